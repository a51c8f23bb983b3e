import asyncio
import time

def blocks():
    # 이벤트 루프를 모르는 함수다. 자는 동안 제어를 넘기지 않는다.
    time.sleep(0.5)
    return "result"

async def ticker():
    for i in range(3):
        print(f"tick {i}")
        await asyncio.sleep(0.1)

async def work():
    print("work: calling blocks()")
    # 코루틴 안에서 바로 부르면 이벤트 루프가 통째로 멈춘다.
    result = blocks()
    print(f"work: blocks() returned {result!r}")

async def main():
    async with asyncio.TaskGroup() as tg:
        tg.create_task(ticker())
        tg.create_task(work())

asyncio.run(main())
