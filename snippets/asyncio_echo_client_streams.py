# region setup
import asyncio
import logging
import os
import sys

MESSAGES = [
    b'This is the message. ',
    b'It will be sent ',
    b'in parts.',
]
SERVER_ADDRESS = ("localhost", int(os.environ.get("ECHO_PORT", 10000)))

logging.basicConfig(
    level=logging.DEBUG,
    format="%(name)s: %(message)s",
    stream=sys.stderr,
)
log = logging.getLogger("echo_client")
# endregion


# region main
async def main():
    reader, writer = await asyncio.open_connection(*SERVER_ADDRESS)
    address = writer.get_extra_info("peername")
    log.debug("connected to {} port {}".format(*address))
    for msg in MESSAGES:
        log.debug(f"sending {msg!r}")
    # 조각들을 한 번에 넘기고, 더 보낼 것이 없다는 표시로 EOF를 보낸다.
    writer.writelines(MESSAGES)
    writer.write_eof()
    await writer.drain()

    # 서버가 연결을 닫을 때(EOF)까지 받은 데이터를 모두 읽는다.
    data = await reader.read()
    log.debug(f"received {data!r}")
    log.debug("received EOF")
    writer.close()
    await writer.wait_closed()
    log.debug("closed")


asyncio.run(main())
# endregion
