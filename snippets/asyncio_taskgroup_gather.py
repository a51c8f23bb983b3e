import asyncio

async def phase1():
    print("in phase1")
    await asyncio.sleep(2)
    print("done with phase1")
    return "phase1 result"

async def phase2():
    print("in phase2")
    await asyncio.sleep(1)
    print("done with phase2")
    return "phase2 result"

async def main():
    print("starting main")
    print("waiting for phases to complete")
    async with asyncio.TaskGroup() as tg:
        task1 = tg.create_task(phase1())
        task2 = tg.create_task(phase2())
    # 결과는 작업마다 따로 꺼내므로 순서를 정하는 것은 이 코드다.
    results = [task1.result(), task2.result()]
    print(f"results: {results!r}")

asyncio.run(main())
