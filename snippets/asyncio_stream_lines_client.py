# region setup
import asyncio
import logging
import os
import sys

SERVER_ADDRESS = ("localhost", int(os.environ.get("ECHO_PORT", 10000)))
REQUESTS = [
    "SET color blue",
    "GET color",
    "GET size",
    "DELETE color",
]

logging.basicConfig(
    level=logging.DEBUG,
    format="%(name)s: %(message)s",
    stream=sys.stderr,
)
log = logging.getLogger("lines_client")
# endregion


# region ask
async def ask(requests: list[str]):
    reader, writer = await asyncio.open_connection(*SERVER_ADDRESS)
    for request in requests:
        writer.write(request.encode() + b"\n")
        await writer.drain()
        # 응답 한 줄이 다 올 때까지 기다린다. 몇 번에 나뉘어 오든 상관없다.
        response = await reader.readline()
        log.debug(f"{request!r} -> {response.decode().rstrip()!r}")
    writer.write_eof()
    # 서버가 연결을 닫을 때까지 기다린다.
    await reader.read()
    writer.close()
    await writer.wait_closed()
# endregion


# region idle
async def stay_idle():
    reader, writer = await asyncio.open_connection(*SERVER_ADDRESS)
    log.debug("connected, sending nothing")
    # 서버가 보내는 줄을 연결이 닫힐 때(EOF)까지 하나씩 읽는다.
    async for line in reader:
        log.debug(f"server said {line!r}")
    log.debug("server closed the connection")
    writer.close()
    await writer.wait_closed()
# endregion


# region main
async def main():
    await ask(REQUESTS)
    await stay_idle()


asyncio.run(main())
# endregion
