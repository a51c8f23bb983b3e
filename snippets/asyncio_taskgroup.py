import asyncio

async def task_func(n):
    print(f"task {n} starting")
    await asyncio.sleep(0.1 * n)
    print(f"task {n} done")
    return f"result {n}"

async def main():
    # 그룹 안에서 만든 작업은 그룹이 참조를 유지한다.
    async with asyncio.TaskGroup() as tg:
        task1 = tg.create_task(task_func(1))
        task2 = tg.create_task(task_func(2))
        print("tasks created, waiting at the end of the block")
    # async with 블록을 벗어날 때는 모든 작업이 끝나 있다.
    print(f"results: {task1.result()!r}, {task2.result()!r}")

asyncio.run(main())
