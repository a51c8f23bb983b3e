"""A df-like report of three volumes an application fills as it runs (generated in a
temporary folder, so it shows no disk of the machine): how full each one is changes
from run to run."""

import asyncio
import os
import random
import tempfile

CAPACITY = 1024 * 1024  # each volume holds 1.0M
VOLUMES = ("vol-data", "vol-logs", "vol-cache")


def human(size):
    """A size as df -h prints it: 0, 512, 9.5K, 23M."""
    for unit in ("", "K", "M", "G"):
        if size < 1024:
            if unit == "" or size >= 10:
                return f"{size:.0f}{unit}"
            return f"{size:.1f}{unit}"
        size /= 1024
    return f"{size:.1f}T"


async def fill(folder, name):
    """Write what the application stored in one volume this time."""
    await asyncio.sleep(0)
    path = os.path.join(folder, name)
    os.mkdir(path)
    size = random.choice((0, random.randrange(1, 9 * 1024), random.randrange(9 * 1024, CAPACITY * 9 // 10)))
    with open(os.path.join(path, "data.bin"), "wb") as out:
        out.write(b"\0" * size)
    return name, sum(entry.stat().st_size for entry in os.scandir(path))


async def main():
    with tempfile.TemporaryDirectory() as folder:
        used = await asyncio.gather(*(fill(folder, name) for name in VOLUMES))
    print(f"{'Filesystem':<10} {'Size':>5} {'Used':>5} {'Avail':>5} {'Use%':>4} Mounted on")
    for name, size in used:
        percent = round(100 * size / CAPACITY)
        mount = "/srv/" + name.removeprefix("vol-")
        print(f"{name:<10} {human(CAPACITY):>5} {human(size):>5} {human(CAPACITY - size):>5} {percent:>3}% {mount}")


asyncio.run(main())
