"""Disk usage as df -h prints it, for two stores an application keeps (generated, so the
table shows no disk of the machine): first one line the way df prints it, then the
application's own table.  What the stores hold, and so their sizes with units and how
full they are, changes from run to run."""

import asyncio
import random

KIB, GIB = 1024, 1024**3
STORES = {"/srv/store": 252 * GIB, "/srv/shm": 24 * GIB}


def human(size):
    for unit in ("", "K", "M", "G", "T"):
        if size < 1024:
            return f"{size:.0f}{unit}" if unit == "" or size >= 10 else f"{size:.1f}{unit}"
        size /= 1024
    return f"{size:.1f}P"


async def measure(mount, capacity):
    """How much a store holds right now: the application fills and empties it."""
    await asyncio.sleep(random.uniform(0, 0.01))
    if mount.endswith("shm"):
        used = random.randrange(4 * KIB, 64 * KIB)  # a few shared buffers
    else:
        used = random.randrange(capacity // 20, capacity // 2)
    return mount, capacity, used


def row(mount, capacity, used):
    free = capacity - used
    percent = round(100 * used / capacity)
    return f"{mount:<10} {human(capacity):>6} {human(used):>6} {human(free):>6} {percent:>3}%"


async def main():
    stores = await asyncio.gather(*(measure(mount, capacity) for mount, capacity in STORES.items()))
    mount, capacity, used = stores[0]
    print(" Size  Used Avail Use% Mounted on")
    print(f"{human(capacity):>5} {human(used):>5} {human(capacity - used):>5} {round(100 * used / capacity):>3}% {mount}")
    print(f"{'path':<10} {'size':>6} {'used':>6} {'free':>6} {'use':>4}")
    for store in stores:
        print(row(*store))


asyncio.run(main())
