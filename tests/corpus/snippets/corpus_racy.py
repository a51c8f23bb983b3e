"""A lookup raced against a deadline: when the lookup is slower than the deadline, the
report has its header and no results.  (The race is the bug this listing shows.)"""

import asyncio
import random
import time


def lookup(names):
    time.sleep(random.uniform(0.02, 0.06))  # the network: usually quick, sometimes not
    return {name: f"10.0.0.{number}" for number, name in enumerate(names, start=1)}


async def main():
    names = ["alpha", "beta", "gamma"]
    print(f"looking up {len(names)} names")
    loop = asyncio.get_running_loop()
    found = loop.run_in_executor(None, lookup, names)
    done, _ = await asyncio.wait([found], timeout=0.05)
    for name, address in (found.result() if done else {}).items():
        print(f"  {name}: {address}")


asyncio.run(main())
