"""Disk usage as df -h prints it: sizes with units, which change as files are written."""

import asyncio
import os


def human(size):
    for unit in ("", "K", "M", "G", "T"):
        if size < 1024:
            return f"{size:.0f}{unit}" if unit == "" or size >= 10 else f"{size:.1f}{unit}"
        size /= 1024
    return f"{size:.1f}P"


def row(path):
    stat = os.statvfs(path)
    total = stat.f_blocks * stat.f_frsize
    free = stat.f_bavail * stat.f_frsize
    used = (stat.f_blocks - stat.f_bfree) * stat.f_frsize
    percent = round(100 * used / (used + free)) if used + free else 0
    return f"{path:<10} {human(total):>6} {human(used):>6} {human(free):>6} {percent:>3}%"


async def main():
    process = await asyncio.create_subprocess_exec(
        "df", "-h", "--output=size,used,avail,pcent,target", "/", stdout=asyncio.subprocess.PIPE
    )
    out, _ = await process.communicate()
    print(out.decode(), end="")
    print(f"{'path':<10} {'size':>6} {'used':>6} {'free':>6} {'use':>4}")
    for path in ("/", "/dev/shm"):
        print(row(path))


asyncio.run(main())
