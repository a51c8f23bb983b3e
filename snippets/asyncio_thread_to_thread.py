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
    print("work: calling blocks() in a thread")
    # 다른 스레드에서 실행하고, 끝날 때까지 루프에 제어를 넘긴다.
    result = await asyncio.to_thread(blocks)
    print(f"work: blocks() returned {result!r}")

async def main():
    async with asyncio.TaskGroup() as tg:
        tg.create_task(ticker())
        tg.create_task(work())

asyncio.run(main())
