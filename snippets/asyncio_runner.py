import asyncio

async def which_loop():
    return asyncio.get_running_loop()

# asyncio.run()은 부를 때마다 새 루프를 만들고, 끝나면 닫는다.
first = asyncio.run(which_loop())
second = asyncio.run(which_loop())
print(f"asyncio.run() twice, same loop: {first is second}")

# asyncio.Runner는 with 블록이 끝날 때까지 같은 루프를 쓴다.
with asyncio.Runner() as runner:
    first = runner.run(which_loop())
    second = runner.run(which_loop())
    print(f"Runner.run() twice, same loop: {first is second}")
    print(f"loop closed inside the with block: {first.is_closed()}")
print(f"loop closed after the with block: {first.is_closed()}")
