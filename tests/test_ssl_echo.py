"""The TLS echo server of 10.5.10, as a real process on loopback.

A client that does not trust its certificate fails with ``ssl.SSLCertVerificationError``;
a connection that is not TLS at all, and one that breaks off midway, stay those
connections' business: another client connected meanwhile keeps getting its echo.
Ctrl-C (SIGINT) then stops the server with that client still connected: exit status 0,
no traceback, and no process of its session left (read from /proc).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import ssl
import struct
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from outputcheck.running.interpreters import reader_python
from listeners import echo_port_env, session_members, start_listening

ROOT = Path(__file__).resolve().parent.parent
SNIPPETS = ROOT / "snippets"
SERVER = "asyncio_ssl_echo_server.py"
CERT = SNIPPETS / "localhost.crt"


@dataclass
class TLSServer:
    proc: subprocess.Popen[str]
    port: int
    env: dict[str, str]
    log: str = field(default="")

    def tls_connect(self, context: ssl.SSLContext, name: str = "localhost") -> ssl.SSLSocket:
        raw = socket.create_connection(("127.0.0.1", self.port), timeout=10)
        try:
            return context.wrap_socket(raw, server_hostname=name)
        except BaseException:
            raw.close()
            raise

    def stop_with_ctrl_c(self) -> str:
        sid = self.proc.pid
        self.proc.send_signal(signal.SIGINT)
        try:
            self.log, _ = self.proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            pytest.fail(f"{SERVER} did not stop within 10 s after SIGINT")
        assert self.proc.returncode == 0, self.log
        assert "Traceback" not in self.log, self.log
        assert "main: stopped by Ctrl-C" in self.log, self.log
        assert not Path(f"/proc/{sid}").exists()
        assert session_members(sid) == [], "processes of the server's session left behind"
        return self.log


@contextlib.contextmanager
def running_server(folder: Path) -> Iterator[TLSServer]:
    """The listing's server, started from ``folder`` as a reader starts it."""
    port, env = echo_port_env()
    proc = start_listening([reader_python(), SERVER], cwd=folder, env=env, port=port)
    try:
        yield TLSServer(proc, port, env)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()


@pytest.fixture
def server() -> Iterator[TLSServer]:
    with running_server(SNIPPETS) as running:
        yield running


def trusting() -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(CERT))


def echo(conn: ssl.SSLSocket, line: bytes) -> bytes:
    conn.sendall(line)
    received = b""
    while not received.endswith(b"\n"):
        chunk = conn.recv(4096)
        if not chunk:
            break
        received += chunk
    return received


def test_a_client_that_does_not_trust_the_certificate_fails(server: TLSServer) -> None:
    # The system's certificate authorities only: nobody signed the book's certificate.
    with pytest.raises(ssl.SSLCertVerificationError) as failed:
        server.tls_connect(ssl.create_default_context())
    assert failed.value.reason == "CERTIFICATE_VERIFY_FAILED"
    # Trusting the certificate but expecting another name fails the same way.
    with pytest.raises(ssl.SSLCertVerificationError, match="Hostname mismatch"):
        server.tls_connect(trusting(), name="example.org")
    # The server is still there for a client that trusts it.
    with server.tls_connect(trusting()) as conn:
        assert echo(conn, b"still here\n") == b"still here\n"
    log = server.stop_with_ctrl_c()
    assert log.count("connection accepted over TLSv1.3") == 1, log  # failed handshakes never reach echo()


def test_one_connection_fails_while_another_is_served(server: TLSServer) -> None:
    steady = server.tls_connect(trusting())
    assert echo(steady, b"first\n") == b"first\n"

    # Not TLS at all: the handshake fails and asyncio closes that connection.
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as plain:
        plain.sendall(b"GET / HTTP/1.0\r\n\r\n")
        # Whatever the server answers (a TLS alert), it then closes this connection.
        while plain.recv(4096):
            pass

    # A TLS client that breaks off midway: a reset instead of a close.
    broken = server.tls_connect(trusting())
    assert echo(broken, b"about to vanish\n") == b"about to vanish\n"
    broken_port = broken.getsockname()[1]
    broken.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    broken.close()  # RST
    time.sleep(0.3)

    # The first client is still served, on the same connection.
    assert echo(steady, b"second\n") == b"second\n"
    log = server.stop_with_ctrl_c()  # with `steady` still connected
    steady.close()
    broken_log = [line for line in log.splitlines() if f"_{broken_port}:" in line]
    assert any("failed: ConnectionResetError" in line for line in broken_log), log
    assert any(line.endswith(": closed") for line in broken_log), log
    assert "canceled, the server is shutting down" in log, log  # `steady`, at Ctrl-C
