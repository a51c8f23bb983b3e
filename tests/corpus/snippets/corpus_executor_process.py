"""Blocking work in a process pool: each worker is a process of its own."""

import asyncio
import concurrent.futures
import multiprocessing
import os
import sys
import time


def say(text):
    # One write per line: processes that share a terminal never cut into each other's lines.
    sys.stdout.write(text + "\n")


def blocks(n):
    say(f"[pid {os.getpid()}] blocks({n}) running")
    time.sleep(0.3)
    return n ** 2, os.getpid()


async def main():
    say(f"[pid {os.getpid()}] main: starting")
    loop = asyncio.get_running_loop()
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(max_workers=2, mp_context=context) as pool:
        results = await asyncio.gather(*(loop.run_in_executor(pool, blocks, i) for i in range(4)))
    for n, (square, pid) in enumerate(results):
        print(f"blocks({n}) = {square}, computed in pid {pid}")
    print(f"the main process computed none of them: {all(pid != os.getpid() for _, pid in results)}")


if __name__ == "__main__":
    asyncio.run(main())
