# region setup
import asyncio
import logging
import os
import ssl
import sys

SERVER_ADDRESS = ("localhost", int(os.environ.get("ECHO_PORT", 10000)))

logging.basicConfig(
    level=logging.DEBUG,
    format="%(name)s: %(message)s",
    stream=sys.stderr,
)
log = logging.getLogger("main")
# endregion


# region context
def server_context() -> ssl.SSLContext:
    # 클라이언트의 연결을 받는 쪽(서버)을 위한 기본 설정에서 시작한다.
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    # 서버는 자기 인증서를 클라이언트에게 보여 주고, 그 개인 키로 인증서의 주인임을 증명한다.
    context.load_cert_chain("localhost.crt", "localhost.key")
    return context
# endregion


# region handler
async def echo(reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
    address = writer.get_extra_info("peername")
    log = logging.getLogger("echo_{}_{}".format(*address))
    # 이 코루틴이 호출될 때는 TLS 핸드셰이크가 이미 끝나 있다.
    version = writer.get_extra_info("ssl_object").version()
    log.debug(f"connection accepted over {version}")
    try:
        while line := await reader.readline():
            log.debug(f"received {line!r}")
            writer.write(line)
            await writer.drain()
            log.debug(f"sent {line!r}")
        # 빈 바이트 문자열은 클라이언트가 연결을 닫았다는 뜻이다.
        log.debug("received EOF")
    except asyncio.CancelledError:
        log.debug("canceled, the server is shutting down")
        # 클라이언트의 TLS 종료 응답을 기다리지 않고 연결을 바로 끊는다.
        writer.transport.abort()
        raise
    except Exception as error:
        # 이 연결의 실패는 이 연결에서 끝난다. 로그만 남기고 서버는 계속 연결을 받는다.
        log.debug(f"failed: {error!r}")
    finally:
        writer.close()
        try:
            await writer.wait_closed()
        except Exception:
            # 이미 실패한 연결을 닫다가 생긴 에러는 더 알릴 것이 없다.
            pass
        log.debug("closed")
# endregion


# region main
async def main():
    context = server_context()
    # 연결마다의 작업은 이 그룹에 속한다. 서버 자신은 그룹의 작업이 아니다.
    async with asyncio.TaskGroup() as connections:
        server = await asyncio.start_server(
            lambda reader, writer: connections.create_task(echo(reader, writer)),
            *SERVER_ADDRESS,
            ssl=context,
        )
        log.debug("starting up on {} port {}".format(*SERVER_ADDRESS))
        try:
            # 서버는 이미 연결을 받고 있다. Ctrl-C로 취소될 때까지 기다린다.
            await asyncio.get_running_loop().create_future()
        finally:
            # 새 연결을 더 받지 않는다. 열려 있는 연결은 그룹이 취소하고 끝나기를 기다린다.
            server.close()
            log.debug("stopped listening")
    # 그룹을 빠져나오는 것은 Ctrl-C로 취소됐을 때뿐이다.


try:
    asyncio.run(main())
except KeyboardInterrupt:
    log.debug("stopped by Ctrl-C")
# endregion
