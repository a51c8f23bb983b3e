"""Blocking work in a thread pool, driven from the event loop."""

import asyncio
import concurrent.futures
import logging
import sys
import threading
import time


def blocks(n):
    log = logging.getLogger(f"blocks({n})")
    log.info("running")
    time.sleep(0.3)
    log.info("done")
    return n ** 2


async def run_blocking_tasks(executor):
    log = logging.getLogger("run_blocking_tasks")
    log.info("starting")
    loop = asyncio.get_running_loop()
    tasks = [loop.run_in_executor(executor, blocks, i) for i in range(4)]
    log.info("waiting for executor tasks")
    done, _ = await asyncio.wait(tasks)
    log.info(f"results: {[t.result() for t in done]!r}")
    log.info(f"main thread: {threading.current_thread().name}")


logging.basicConfig(level=logging.INFO, format="%(threadName)s %(name)s: %(message)s", stream=sys.stderr)
with concurrent.futures.ThreadPoolExecutor(max_workers=2) as executor:
    asyncio.run(run_blocking_tasks(executor))
