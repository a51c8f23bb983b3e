import asyncio

async def outer():
    print("in outer")
    print("waiting for result1")
    result1 = await phase1()
    print("waiting for result2")
    result2 = await phase2(result1)
    return result1, result2

async def phase1():
    print(" - in phase1")
    return "result1"

async def phase2(arg):
    print(" - in phase2")
    return f"result2 derived from {arg}"

# 루프를 만들고, 코루틴이 끝날 때까지 실행하고, 루프를 닫는 일을 한 번에 한다.
return_value = asyncio.run(outer())
print(f"return value : {return_value!r}")
