import asyncio

async def task_func():
    print("in task_func, sleeping")
    try:
        await asyncio.sleep(1)
    except asyncio.CancelledError as error:
        print(f"task_func was canceled: {error.args}")
        raise
    return "the result"

async def main():
    task = asyncio.create_task(task_func())
    await asyncio.sleep(0.1)
    # 취소하는 이유를 메시지로 함께 보낸다.
    task.cancel("no longer needed")
    try:
        await task
    except asyncio.CancelledError as error:
        print(f"main() also sees: {error.args}")
    print(f"task canceled: {task.cancelled()}")

asyncio.run(main())
