"""The client: sends a message in parts and prints what comes back, read by read."""

import asyncio
import os

PORT = int(os.environ.get("ECHO_PORT", 10000))
PARTS = [b"This is the message. ", b"It will be sent ", b"in parts."]


async def main():
    reader, writer = await asyncio.open_connection("127.0.0.1", PORT)
    print(f"client: connected to port {PORT}")
    for part in PARTS:
        print(f"client: sending {part!r}")
        writer.write(part)
        await writer.drain()
    writer.write_eof()
    while data := await reader.read(16):
        print(f"client: received {data!r}")
    print("client: received EOF")
    writer.close()
    await writer.wait_closed()


asyncio.run(main())
