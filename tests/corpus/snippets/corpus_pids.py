"""Worker processes, listed as ps lists them: a pid padded to five columns."""

import asyncio
import sys


async def main():
    workers = []
    for number in range(3):
        process = await asyncio.create_subprocess_exec(sys.executable, "-c", "pass")
        print("worker %d started, PID %5s" % (number, process.pid))
        workers.append(process)
    for number, process in enumerate(workers):
        code = await process.wait()
        print("worker %d exited, PID %5s, exit code %d" % (number, process.pid, code))
    print(f"{len(workers)} workers, {len({p.pid for p in workers})} different pids")


asyncio.run(main())
