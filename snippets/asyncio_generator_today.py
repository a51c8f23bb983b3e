import asyncio
import types

@types.coroutine
def outer():
    print("in outer")
    print("waiting for result1")
    result1 = yield from phase1()
    print("waiting for result2")
    result2 = yield from phase2(result1)
    return result1, result2

@types.coroutine
def phase1():
    print(" - in phase1")
    yield from ()  # 제너레이터 함수로 만든다 (루프에 제어를 넘기지 않음)
    return "result1"

@types.coroutine
def phase2(arg):
    print(" - in phase2")
    yield from ()
    return f"result2 derived from {arg}"

event_loop = asyncio.new_event_loop()
try:
    return_value = event_loop.run_until_complete(outer())
    print(f"return value : {return_value!r}")
finally:
    event_loop.close()
