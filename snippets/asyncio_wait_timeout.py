import asyncio

async def phase(i):
    print(f"in phase {i}")
    try:
        await asyncio.sleep(0.1 * i)
    except asyncio.CancelledError:
        print(f"phase {i} canceled")
        raise
    else:
        print(f"done with phase {i}")
        return f"phase {i} result"

async def main(num_phases):
    print("starting main")
    phases = [asyncio.create_task(phase(i)) for i in range(num_phases)]
    print("waiting 0.1 for phases to complete")
    completed, pending = await asyncio.wait(phases, timeout=0.1)
    print(f"{len(completed)} completed and {len(pending)} pending")
    # 끝나지 않은 작업이 남은 채로 프로그램이 끝나면 오류가 기록되므로, 남은 작업들을 취소한다.
    if pending:
        print("canceling tasks")
        for t in pending:
            t.cancel()
        # 취소된 작업들이 정리를 마칠 때까지 기다린다.
        await asyncio.wait(pending)
    print("exiting main")

event_loop = asyncio.new_event_loop()

try:
    event_loop.run_until_complete(main(3))
finally:
    event_loop.close()
