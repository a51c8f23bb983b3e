# region setup
import asyncio
import logging
import os
import sys

SERVER_ADDRESS = ("localhost", int(os.environ.get("ECHO_PORT", 10000)))

logging.basicConfig(
    level=logging.DEBUG,
    format="%(name)s: %(message)s",
    stream=sys.stderr,
)
log = logging.getLogger("main")
# endregion


# region handler
async def echo(reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
    address = writer.get_extra_info("peername")
    log = logging.getLogger("echo_{}_{}".format(*address))
    log.debug("connection accepted")
    try:
        while data := await reader.read(128):
            log.debug(f"received {data!r}")
            writer.write(data)
            # 전송 버퍼가 상한(high-water mark)을 넘었을 때만, 하한 아래로 줄어들 때까지 기다린다.
            await writer.drain()
            log.debug(f"sent {data!r}")
        # 빈 바이트 문자열은 클라이언트가 보낸 EOF다.
        log.debug("received EOF")
    except ConnectionError as error:
        # 연결 하나가 끊긴 것으로 서버 전체가 멈추지 않게 한다.
        log.debug(f"connection lost: {error!r}")
    except asyncio.CancelledError:
        log.debug("canceled, the server is shutting down")
        raise
    finally:
        writer.close()
        try:
            await writer.wait_closed()
        except OSError:
            # 연결을 끝낸 에러가 여기서 한 번 더 나온다. 위에서 이미 다뤘다.
            pass
        log.debug("closed")
# endregion


# region guard
async def serve_client(reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
    try:
        await echo(reader, writer)
    except Exception:
        # 연결 하나의 실패는 그 연결에서 끝낸다. 트레이스백을 남기고 서버는 계속 일한다.
        log.exception(f"connection {writer.get_extra_info('peername')} failed")
# endregion


# region main
async def main():
    try:
        # 서버와 연결마다의 작업이 모두 이 그룹 안에서 실행된다.
        async with asyncio.TaskGroup() as tg:
            server = await asyncio.start_server(
                lambda reader, writer: tg.create_task(serve_client(reader, writer)),
                *SERVER_ADDRESS,
            )
            log.debug("starting up on {} port {}".format(*SERVER_ADDRESS))
            tg.create_task(server.serve_forever())
    finally:
        # Ctrl-C로 취소되면 그룹이 모든 작업을 취소하고 끝나기를 기다린 뒤에 여기에 온다.
        log.debug("server closed")


try:
    asyncio.run(main())
except KeyboardInterrupt:
    log.debug("stopped by Ctrl-C")
# endregion
