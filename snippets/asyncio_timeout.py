import asyncio

async def phase(i):
    print(f"in phase {i}")
    try:
        await asyncio.sleep(0.2 * i)
    except asyncio.CancelledError:
        print(f"phase {i} canceled")
        raise
    print(f"done with phase {i}")

async def main(num_phases):
    print("starting main")
    try:
        # 블록 전체에 0.3초의 제한 시간을 건다.
        async with asyncio.timeout(0.3):
            async with asyncio.TaskGroup() as tg:
                for i in range(num_phases):
                    tg.create_task(phase(i))
    except TimeoutError:
        print("timed out, unfinished phases were canceled")
    print("exiting main")

asyncio.run(main(3))
