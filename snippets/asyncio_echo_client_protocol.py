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
        self.log = logging.getLogger("EchoClient")
        self.f = future

    def connection_made(self, transport):
        self.transport = transport
        self.address = transport.get_extra_info('peername')
        self.log.debug("connecting to {} port {}".format(*self.address))
        # 각 부분을 따로 보내는 것을 보여주고자 writelines() 대신 write()를 사용한다.
        for msg in self.messages:
            transport.write(msg)
            self.log.debug(f"sending {msg!r}")
        if transport.can_write_eof():
            transport.write_eof()

    def data_received(self, data):
        self.log.debug(f"received {data!r}")

    def eof_received(self):
        self.log.debug("received EOF")
        self.transport.close()
        if not self.f.done():
            self.f.set_result(True)

    def connection_lost(self, exc):
        self.log.debug("server closed connection")
        self.transport.close()
        if not self.f.done():
            self.f.set_result(True)
        super().connection_lost(exc)


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
