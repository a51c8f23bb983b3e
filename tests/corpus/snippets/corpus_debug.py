"""Debug mode: asyncio reports callbacks that hold the event loop too long."""

import asyncio
import time


def slow():
    time.sleep(0.2)  # always longer than the 0.1 s asyncio tolerates


def borderline():
    time.sleep(0.099)  # just under: reported only when the machine is busy


async def main():
    loop = asyncio.get_running_loop()
    print(f"debug mode: {loop.get_debug()}")
    loop.call_soon(slow)
    loop.call_soon(borderline)
    await asyncio.sleep(0.3)
    print("main: done")


asyncio.run(main(), debug=True)
