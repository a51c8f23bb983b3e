import asyncio

async def phase(i):
    print(f"in phase {i}")
    await asyncio.sleep(1.5 - (0.5 * i))
    print(f"done with phase {i}")
    return f"phase {i} result"

async def main(num_phases):
    print("starting main")
    tasks = [asyncio.create_task(phase(i), name=f"phase {i}") for i in range(num_phases)]
    print("waiting for phases to complete")
    results = []
    # async for로 순회하면 넘겨준 작업이 끝난 순서대로 그대로 나온다.
    async for task in asyncio.as_completed(tasks):
        print(f"{task.get_name()} finished: {task.result()!r}")
        results.append(task.result())
    print(f"results: {results!r}")

asyncio.run(main(3))
