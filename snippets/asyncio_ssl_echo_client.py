# region setup
import asyncio
import logging
import os
import ssl
import sys

MESSAGES = [
    b'This is the message.\n',
    b'It will be sent\n',
    b'in lines.\n',
]
SERVER_ADDRESS = ("127.0.0.1", int(os.environ.get("ECHO_PORT", 10000)))

logging.basicConfig(
    level=logging.DEBUG,
    format="%(name)s: %(message)s",
    stream=sys.stderr,
)
log = logging.getLogger("echo_client")
# endregion


# region context
def client_context() -> ssl.SSLContext:
    # 서버의 인증서를 확인하는 기본 설정(호스트 이름 확인 포함)에서 시작하되,
    # 믿을 인증서로 시스템의 인증 기관 대신 이 서버의 인증서를 준다.
    return ssl.create_default_context(cafile="localhost.crt")
# endregion


# region main
async def main():
    reader, writer = await asyncio.open_connection(
        *SERVER_ADDRESS,
        ssl=client_context(),
        # 주소로 연결하므로, 인증서에서 확인할 이름을 따로 준다.
        server_hostname="localhost",
    )
    address = writer.get_extra_info("peername")
    log.debug("connected to {} port {}".format(*address))
    certificate = writer.get_extra_info("peercert")
    log.debug(f"server certificate names: {certificate['subjectAltName']}")
    for msg in MESSAGES:
        # 한 줄씩 보내고, 서버가 돌려보낸 줄을 읽는다.
        log.debug(f"sending {msg!r}")
        writer.write(msg)
        await writer.drain()
        log.debug(f"received {await reader.readline()!r}")
    writer.close()
    await writer.wait_closed()
    log.debug("closed")


asyncio.run(main())
# endregion
