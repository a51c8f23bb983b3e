import asyncio

async def quick():
    print("quick: running")
    return "done"

async def main():
    task = asyncio.create_task(quick())
    print(f"right after create_task: done={task.done()}")
    await task

    # 이제부터 만드는 작업은 만들어지는 자리에서 바로 실행되기 시작한다.
    asyncio.get_running_loop().set_task_factory(asyncio.eager_task_factory)
    task = asyncio.create_task(quick())
    print(f"right after create_task: done={task.done()}")
    await task

asyncio.run(main())
