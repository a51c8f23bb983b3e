# region setup
import asyncio
import logging
import os
import sys

SERVER_ADDRESS = ("localhost", int(os.environ.get("ECHO_PORT", 10000)))
# 이 시간(초) 동안 한 줄도 오지 않으면 연결을 닫는다.
IDLE_TIMEOUT = 2.0

logging.basicConfig(
    level=logging.DEBUG,
    format="%(name)s: %(message)s",
    stream=sys.stderr,
)
log = logging.getLogger("main")
# endregion


# region execute
# 모든 연결이 함께 쓰는 저장소
values = {}


def execute(request: str) -> str:
    match request.split(maxsplit=2):
        case ["SET", key, value]:
            values[key] = value
            return "OK"
        case ["GET", key] if key in values:
            return f"VALUE {values[key]}"
        case ["GET", key]:
            return f"ERROR no value for {key}"
        case _:
            return f"ERROR unknown command {request!r}"
# endregion


# region handler
async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
    address = writer.get_extra_info("peername")
    log = logging.getLogger("lines_{}_{}".format(*address))
    log.debug("connection accepted")
    try:
        while True:
            try:
                # 다음 줄을 기다리되, 너무 오래 기다리지는 않는다.
                async with asyncio.timeout(IDLE_TIMEOUT):
                    line = await reader.readline()
            except TimeoutError:
                log.debug(f"no request for {IDLE_TIMEOUT} s")
                writer.write(b"BYE idle for too long\n")
                break
            if not line:
                log.debug("received EOF")
                break
            request = line.decode().rstrip("\n")
            response = execute(request)
            log.debug(f"{request!r} -> {response!r}")
            writer.write(response.encode() + b"\n")
            await writer.drain()
    finally:
        writer.close()
        try:
            await writer.wait_closed()
        except OSError:
            pass
        log.debug("closed")
# endregion


# region main
async def serve_client(reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
    try:
        await handle(reader, writer)
    except Exception:
        # 10.5.9.1의 서버처럼, 연결 하나의 실패는 그 연결에서 끝낸다.
        log.exception(f"connection {writer.get_extra_info('peername')} failed")


async def main():
    try:
        async with asyncio.TaskGroup() as tg:
            server = await asyncio.start_server(
                lambda reader, writer: tg.create_task(serve_client(reader, writer)),
                *SERVER_ADDRESS,
            )
            log.debug("starting up on {} port {}".format(*SERVER_ADDRESS))
            tg.create_task(server.serve_forever())
    finally:
        log.debug("server closed")


try:
    asyncio.run(main())
except KeyboardInterrupt:
    log.debug("stopped by Ctrl-C")
# endregion
