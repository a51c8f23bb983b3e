"""The stream echo server of 10.5.9 talks to clients this book did not write.

The page proves the server with the book's own client (a two-terminal transcript).
Here the very same file runs as a real subprocess, on a free port passed in
``ECHO_PORT``, and answers ``nc`` (netcat, when installed) and a bare socket; then
Ctrl-C (SIGINT) must stop it cleanly: exit status 0, no traceback, and no process of
its session left behind (read from /proc).
"""

from __future__ import annotations

import ast
import errno
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from outputcheck.running.interpreters import reader_python
from listeners import echo_port_env, session_members, start_listening

ROOT = Path(__file__).resolve().parent.parent
SNIPPETS = ROOT / "snippets"
SERVER = "asyncio_echo_server_streams.py"
NC = shutil.which("nc")


@dataclass
class Server:
    proc: subprocess.Popen[str]
    port: int


@pytest.fixture
def server() -> Iterator[Server]:
    yield from _serve([SERVER])


# A timed-out TCP connection (ETIMEDOUT: keepalive or retransmissions gave up) cannot be
# made on loopback, so the server's process reports one itself: every socket's recv()
# raises TimeoutError(ETIMEDOUT), as the kernel would, once the bytes it read carry this
# marker.  asyncio then fails that connection's transport exactly as for a real timeout:
# the StreamReader raises the error, and it is an OSError, not a ConnectionError.
TIMEOUT_MARKER = b"<please time out>"
TIMEOUT_INJECTION = f"""
import errno, os, runpy, socket
_recv = socket.socket.recv
def recv(self, *args):
    data = _recv(self, *args)
    if {TIMEOUT_MARKER!r} in data:
        raise TimeoutError(errno.ETIMEDOUT, os.strerror(errno.ETIMEDOUT))
    return data
socket.socket.recv = recv
runpy.run_path({SERVER!r}, run_name="__main__")
"""


@pytest.fixture
def timing_out_server() -> Iterator[Server]:
    """The listing, unchanged, in a process whose sockets time out on TIMEOUT_MARKER."""
    yield from _serve(["-c", TIMEOUT_INJECTION])


def _serve(args: list[str], python: str | None = None) -> Iterator[Server]:
    """Run ``python args`` in snippets/ on a free ECHO_PORT until it listens; kill what is left."""
    port, env = echo_port_env()
    proc = start_listening([python or reader_python(), *args], cwd=SNIPPETS, env=env, port=port)
    try:
        yield Server(proc, port)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


# A failed connection as the listings log it: the line, then its traceback (chained ones
# too), up to the next line of one of the listings' own loggers.
LOGGED_FAILURE = re.compile(r"^main: connection .* failed\n(?:(?!(?:main|asyncio|echo_\S+|lines_\S+): ).*\n)*", re.M)


def stop_with_ctrl_c(server: Server, logged_failures: int = 0) -> str:
    """SIGINT, as Ctrl-C in the server's terminal; the server's whole log.

    ``logged_failures``: how many failed connections the server logged with their
    traceback (log.exception); any other traceback is a failure of the test."""
    sid = server.proc.pid
    server.proc.send_signal(signal.SIGINT)
    try:
        log, _ = server.proc.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        pytest.fail(f"{SERVER} did not stop within 10 s after SIGINT")
    assert server.proc.returncode == 0, log
    failures = LOGGED_FAILURE.findall(log)
    assert len(failures) == logged_failures and all("Traceback" in f for f in failures), log
    assert "Traceback" not in LOGGED_FAILURE.sub("", log), log
    assert "main: server closed" in log and "main: stopped by Ctrl-C" in log, log
    assert not Path(f"/proc/{sid}").exists()
    assert session_members(sid) == [], "processes of the server's session left behind"
    return log


def socket_client(port: int, data: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(data)
        conn.shutdown(socket.SHUT_WR)  # EOF: nothing more to send
        received = b""
        while chunk := conn.recv(4096):
            received += chunk
    return received


def nc_client(port: int, data: bytes) -> bytes:
    # -N: shut the connection down for writing at the end of the input (OpenBSD nc),
    # so the server sees EOF and closes; nc then ends when the server has closed.
    done = subprocess.run(
        [NC, "-N", "127.0.0.1", str(port)], input=data, capture_output=True, timeout=10
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


CLIENTS = [
    pytest.param(
        nc_client,
        id="nc",
        marks=pytest.mark.skipif(NC is None, reason="nc is not installed (apt-get install netcat-openbsd)"),
    ),
    pytest.param(socket_client, id="socket"),
]


@pytest.mark.parametrize("client", CLIENTS)
def test_stream_server_echoes_a_client_nobody_here_wrote(server: Server, client) -> None:
    data = b"hello from a stranger\nsecond line\n"
    assert client(server.port, data) == data
    log = stop_with_ctrl_c(server)
    assert "connection accepted" in log
    assert "received EOF" in log and ": closed" in log
    received = b"".join(
        ast.literal_eval(line.split("received ", 1)[1])  # the server logs repr() of the bytes
        for line in log.splitlines()
        if ": received b" in line
    )
    assert received == data


def test_stream_server_serves_clients_one_after_another(server: Server) -> None:
    for n in range(3):
        data = f"client {n}\n".encode()
        assert socket_client(server.port, data) == data
    log = stop_with_ctrl_c(server)
    assert log.count("connection accepted") == 3


def test_ctrl_c_with_no_client_stops_the_server_cleanly(server: Server) -> None:
    log = stop_with_ctrl_c(server)
    assert "starting up on localhost port" in log


def test_ctrl_c_while_clients_are_connected_closes_their_connections(server: Server) -> None:
    """Since Python 3.12 a closing server waits for its open connections; the listing's
    task group cancels them, so Ctrl-C still stops it at once."""
    # The idle client connects first: the server accepts connections in the order they
    # came, so once the talking one has its echo, the idle one's task has started too.
    # (The other way round, Ctrl-C could come before the idle one was even accepted.)
    idle = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    talking = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    try:
        talking.sendall(b"still here\n")
        assert talking.recv(100) == b"still here\n"
        log = stop_with_ctrl_c(server)
        assert log.count("canceled, the server is shutting down") == 2, log
        assert talking.recv(100) == b"" and idle.recv(100) == b""  # the server closed both
    finally:
        talking.close()
        idle.close()


def test_a_client_that_resets_its_connection_does_not_stop_the_server(server: Server) -> None:
    rude = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    rude.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    rude.close()  # an RST instead of an orderly close
    time.sleep(0.5)  # let the server meet the reset before the next client
    assert socket_client(server.port, b"after the reset\n") == b"after the reset\n"
    log = stop_with_ctrl_c(server)
    assert "connection lost: ConnectionResetError" in log, log


def test_a_connection_that_fails_leaves_the_others_served(timing_out_server: Server) -> None:
    """#20 item 2: one connection's error (here TimeoutError, ETIMEDOUT: an OSError, not a
    ConnectionError) is that connection's; a client connected meanwhile is still served,
    and so is a new one, until Ctrl-C stops the server cleanly."""
    port = timing_out_server.port
    steady = socket.create_connection(("127.0.0.1", port), timeout=10)
    try:
        steady.sendall(b"before\n")
        assert steady.recv(100) == b"before\n"
        with socket.create_connection(("127.0.0.1", port), timeout=10) as failing:
            failing.sendall(b"hello " + TIMEOUT_MARKER + b"\n")
            try:
                closed = failing.recv(100)
            except ConnectionResetError:
                closed = b""
            assert closed == b""  # the server dropped that connection
        time.sleep(0.5)  # time for a server that fails as a whole to do so
        assert timing_out_server.proc.poll() is None, timing_out_server.proc.communicate()[0]
        steady.sendall(b"after\n")
        assert steady.recv(100) == b"after\n"
        assert socket_client(port, b"a new client\n") == b"a new client\n"
    finally:
        steady.close()
    log = stop_with_ctrl_c(timing_out_server, logged_failures=1)
    failure = log.split("Traceback", 1)[0].splitlines()[-1]
    assert failure.startswith("main: connection") and "failed" in failure, log
    assert f"TimeoutError: [Errno {errno.ETIMEDOUT}]" in log, log
    assert log.count("connection accepted") == 3


# 10.5.9.1 explains why the connections' tasks belong to the group: run outside it (the
# listing with start_server() given serve_client itself), the first Ctrl-C does not stop a
# server with a client connected on 3.12+, and the second does (#20 item 9).
OUTSIDE_THE_GROUP = """
source = open({server!r}).read()
inside = "lambda reader, writer: tg.create_task(serve_client(reader, writer)),"
assert source.count(inside) == 1
exec(compile(source.replace(inside, "serve_client,"), {server!r}, "exec"))
""".format(server=SERVER)


@pytest.mark.parametrize("name", ["python3.12", "python3.13"])
def test_outside_the_group_the_first_ctrl_c_does_not_stop_it_and_the_second_does(name: str) -> None:
    from outputcheck.running.interpreters import find

    python = find(name)
    if python is None:
        pytest.skip(f"{name} is not installed")
    for server in _serve(["-c", OUTSIDE_THE_GROUP], python):
        client = socket.create_connection(("127.0.0.1", server.port), timeout=10)
        try:
            client.sendall(b"still here\n")
            assert client.recv(100) == b"still here\n"
            server.proc.send_signal(signal.SIGINT)
            with pytest.raises(subprocess.TimeoutExpired):
                server.proc.wait(timeout=2)  # waits in wait_closed() for the connection
            server.proc.send_signal(signal.SIGINT)
            log, _ = server.proc.communicate(timeout=10)
            assert server.proc.returncode == 0, log
            assert "canceled, the server is shutting down" in log  # asyncio.run() cancelled it
            assert log.rstrip().endswith("main: stopped by Ctrl-C"), log
        finally:
            client.close()
