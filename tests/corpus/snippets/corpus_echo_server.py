"""A stream echo server that logs every read: how TCP splits data is not up to us."""

import asyncio
import os

PORT = int(os.environ.get("ECHO_PORT", 10000))


async def echo(reader, writer):
    print("server: connection accepted")
    while data := await reader.read(8):
        print(f"server: received {data!r}")
        writer.write(data)
        await writer.drain()
    print("server: received EOF")
    writer.close()
    await writer.wait_closed()


async def main():
    server = await asyncio.start_server(echo, "127.0.0.1", PORT)
    print(f"server: listening on port {PORT}")
    async with server:
        await server.serve_forever()


try:
    asyncio.run(main())
except KeyboardInterrupt:
    print("server: stopped")
