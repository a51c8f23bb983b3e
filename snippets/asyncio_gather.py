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
    results = await asyncio.gather(phase1(), phase2())
    print(f"results: {results!r}")

event_loop = asyncio.new_event_loop()

try:
    event_loop.run_until_complete(main())
finally:
    event_loop.close()
