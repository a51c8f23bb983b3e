"""Run other programs from a coroutine; a pid is the operating system's choice."""

import asyncio
import sys


async def run(*command):
    process = await asyncio.create_subprocess_exec(*command, stdout=asyncio.subprocess.PIPE)
    print(f"started {command[-1]!r} as pid {process.pid}")
    out, _ = await process.communicate()
    print(f"pid {process.pid} exited with {process.returncode}: {out.decode().strip()!r}")
    return process.pid


class Collect(asyncio.SubprocessProtocol):
    def __init__(self, done):
        self.done = done

    def pipe_data_received(self, fd, data):
        print(f"protocol: data on fd {fd}: {data!r}")

    def process_exited(self):
        print("protocol: process exited")

    def connection_lost(self, exc):
        self.done.set_result(True)


async def main():
    pids = await asyncio.gather(
        run(sys.executable, "-c", "print('one')"),
        run(sys.executable, "-c", "print('two')"),
    )
    print(f"two different processes: {pids[0] != pids[1]}")
    loop = asyncio.get_running_loop()
    done = loop.create_future()
    transport, _ = await loop.subprocess_exec(
        lambda: Collect(done), sys.executable, "-c", "print('three')", stdin=None, stderr=None
    )
    await done
    print(f"protocol: exit code {transport.get_returncode()}")
    transport.close()


asyncio.run(main())
