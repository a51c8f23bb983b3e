"""A client that sends while it reads: its sent and received lines interleave however
TCP, the server and the event loop schedule them."""

import asyncio
import os

PORT = int(os.environ.get("ECHO_PORT", 10000))
PARTS = [b"This is the message. ", b"It will be sent ", b"in parts."]


async def receive(reader):
    while data := await reader.read(16):
        print(f"client: received {data!r}")
    print("client: received EOF")


async def main():
    reader, writer = await asyncio.open_connection("127.0.0.1", PORT)
    receiving = asyncio.create_task(receive(reader))
    for part in PARTS:
        writer.write(part)
        await writer.drain()
        print(f"client: sent {part!r}")
        await asyncio.sleep(0.001)  # the next part is not ready yet
    writer.write_eof()
    await receiving
    writer.close()
    await writer.wait_closed()
    print("client: done")


asyncio.run(main())
