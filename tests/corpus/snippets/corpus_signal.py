"""A signal the program sends to itself, handled by the event loop."""

import asyncio
import os
import signal


def handler(name, received):
    print(f"handler: got {name}")
    received.set_result(name)


async def main():
    loop = asyncio.get_running_loop()
    received = loop.create_future()
    loop.add_signal_handler(signal.SIGUSR1, handler, "SIGUSR1", received)
    print(f"sending SIGUSR1 to myself, pid {os.getpid()}")
    os.kill(os.getpid(), signal.SIGUSR1)
    print(f"main: handled {await received}")
    loop.remove_signal_handler(signal.SIGUSR1)


asyncio.run(main())
