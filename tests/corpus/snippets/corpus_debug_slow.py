"""Debug mode names a step of a task that held the loop too long: here a blocking call
that is only sometimes slow (a cache that is sometimes cold)."""

import asyncio
import random
import time


def lookup(key):
    time.sleep(0.15 if random.random() < 0.5 else 0.01)  # cold cache: a slow disk read
    return key.upper()


async def main():
    loop = asyncio.get_running_loop()
    print(f"debug mode: {loop.get_debug()}")
    value = lookup("key")  # blocking, inside a coroutine: the mistake debug mode reports
    await asyncio.sleep(0.01)
    print(f"main: got {value}")


asyncio.run(main(), debug=True)
