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

# 10.5.10.2의 서버와 같은 컨텍스트를 만든다.
context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
context.load_cert_chain("localhost.crt", "localhost.key")
event_loop = asyncio.new_event_loop()
# endregion


class EchoServer(asyncio.Protocol):

    def connection_made(self, transport):
        self.transport = transport
        self.address = transport.get_extra_info("peername")
        self.log = logging.getLogger("EchoServer_{}_{}".format(*self.address))
        version = transport.get_extra_info("ssl_object").version()
        self.log.debug(f"connection accepted over {version}")

    def data_received(self, data):
        self.log.debug(f"received {data!r}")
        self.transport.write(data)
        self.log.debug(f"sent {data!r}")

    def eof_received(self):
        # TLS transport는 EOF를 보낼 수 없다. None을 돌려주면 transport가 연결을 닫는다.
        self.log.debug("received EOF")

    def connection_lost(self, error):
        if error:
            self.log.error(f"ERROR: {error}")
        else:
            self.log.debug("closing")
        super().connection_lost(error)


# region startup
# ssl 인자 하나로 이 서버의 모든 연결이 TLS가 된다.
factory = event_loop.create_server(EchoServer, *SERVER_ADDRESS, ssl=context)
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
    log.debug("closing server")
    server.close()
    event_loop.run_until_complete(server.wait_closed())
    log.debug("closing event loop")
    event_loop.close()
# endregion
