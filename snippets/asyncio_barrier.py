import asyncio

async def worker(n, barrier: asyncio.Barrier):
    # 작업마다 준비하는 데 걸리는 시간이 다르다.
    await asyncio.sleep(0.1 * n)
    print(f"worker {n} ready, waiting at the barrier")
    arrival = await barrier.wait()
    print(f"worker {n} passed the barrier (arrived {arrival})")

async def main():
    # 세 작업이 모두 도착해야 함께 통과한다.
    barrier = asyncio.Barrier(3)
    async with asyncio.TaskGroup() as tg:
        for n in range(3):
            tg.create_task(worker(n, barrier))
    print(f"barrier broken: {barrier.broken}")

asyncio.run(main())
