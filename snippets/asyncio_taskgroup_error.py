import asyncio

async def worker(n, delay):
    print(f"worker {n} starting")
    try:
        await asyncio.sleep(delay)
    except asyncio.CancelledError:
        print(f"worker {n} canceled")
        raise
    print(f"worker {n} done")

async def failing():
    print("failing starting")
    await asyncio.sleep(0.2)
    print("failing raises ValueError")
    raise ValueError("something went wrong")

async def main():
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(worker(1, 0.1))
            tg.create_task(worker(2, 1))
            tg.create_task(failing())
    # 그룹 안의 작업에서 난 예외는 ExceptionGroup으로 묶여 나온다.
    except* ValueError as group:
        for error in group.exceptions:
            print(f"caught {error!r}")
    print("main done")

asyncio.run(main())
