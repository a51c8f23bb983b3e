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
event_loop = asyncio.new_event_loop()
# endregion


class EchoServer(asyncio.Protocol):

    def connection_made(self, transport):
        self.transport = transport
        self.address = transport.get_extra_info('peername')
        self.log = logging.getLogger("EchoServer_{}_{}".format(*self.address))
        self.log.debug('connection accepted')

    def data_received(self, data):
        self.log.debug(f"received {data!r}")
        self.transport.write(data)
        self.log.debug(f"sent {data!r}")

    def eof_received(self):
        self.log.debug('received EOF')
        if self.transport.can_write_eof():
            self.transport.write_eof()

    def connection_lost(self, error):
        if error:
            self.log.error(f"ERROR: {error}")
        else:
            self.log.debug("closing")
        super().connection_lost(error)


# region startup
# 서버 생성, 실제 이벤트 루프가 시작되기 전에
# 루프가 코루틴을 완료하게 한다.
factory = event_loop.create_server(EchoServer, *SERVER_ADDRESS)
server = event_loop.run_until_complete(factory)
log.debug("starting up on {} port {}".format(*SERVER_ADDRESS))
# endregion

# region serve
try:
    event_loop.run_forever()
except KeyboardInterrupt:
    # Ctrl-C(SIGINT)로 서버를 멈춘다.
    pass
finally:
    log.debug('closing server')
    server.close()
    if sys.version_info >= (3, 13):
        # 아직 연결된 클라이언트의 연결도 닫는다. 3.12부터 wait_closed()는
        # 열린 연결이 모두 끝나기를 기다리기 때문이다.
        server.close_clients()
    event_loop.run_until_complete(server.wait_closed())
    log.debug('closing event loop')
    event_loop.close()
# endregion
