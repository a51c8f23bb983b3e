# region setup
import asyncio
import functools
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
log = logging.getLogger("main")
event_loop = asyncio.new_event_loop()
# endregion


class EchoClient(asyncio.Protocol):

    def __init__(self, messages, future):
        super().__init__()
        self.messages = messages
        self.future = future
        self.received = b""
        self.log = logging.getLogger("EchoClient")

    def connection_made(self, transport):
        self.transport = transport
        self.address = transport.get_extra_info('peername')
        self.log.debug("connecting to {} port {}".format(*self.address))
        # 메시지는 여러 조각이지만 writelines()로 한 번에 넘긴다.
        # 조각마다 write()를 부르면 서버가 받는 묶음의 수가 실행마다 달라질 수 있다.
        for msg in self.messages:
            self.log.debug(f"sending {msg!r}")
        transport.writelines(self.messages)
        if transport.can_write_eof():
            transport.write_eof()

    def data_received(self, data):
        # 에코는 여러 조각으로 나뉘어 도착할 수 있으므로 모아 둔다.
        self.received += data

    def eof_received(self):
        self.log.debug(f"received {self.received!r}")
        self.log.debug('received EOF')
        # None을 반환하면 transport가 연결을 닫는다.

    def connection_lost(self, error):
        if error:
            self.log.error(f"ERROR: {error}")
        else:
            self.log.debug("closing")
        self.future.set_result(True)
        super().connection_lost(error)


# region main
client_completed = event_loop.create_future()
client_factory = functools.partial(
    EchoClient,
    messages=MESSAGES,
    future=client_completed,
)
factory_coroutine = event_loop.create_connection(client_factory, *SERVER_ADDRESS)

log.debug("waiting for client to complete")
try:
    event_loop.run_until_complete(factory_coroutine)
    event_loop.run_until_complete(client_completed)
finally:
    log.debug("closing event loop")
    event_loop.close()
# endregion
