import asyncio

# 실행 중인 작업의 참조를 보관하는 집합
background_tasks = set()

async def task_func(n):
    await asyncio.sleep(0.1 * n)
    print(f"task {n} done")
    return n

async def main():
    for n in (2, 1):
        task = asyncio.create_task(task_func(n), name=f"worker-{n}")
        # 이벤트 루프는 작업을 약한 참조로만 기억하므로 강한 참조를 남겨 둔다.
        background_tasks.add(task)
        # 작업이 끝나면 집합에서 스스로 빠진다.
        task.add_done_callback(background_tasks.discard)
    print(f"running: {sorted(t.get_name() for t in background_tasks)}")
    await asyncio.sleep(0.3)
    print(f"still referenced: {len(background_tasks)}")

asyncio.run(main())
