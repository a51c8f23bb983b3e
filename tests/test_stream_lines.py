"""What 10.5.9.4 promises about its line server beyond the output blocks, checked with the
real listing on loopback and real sockets: a request split over several TCP sends is one
line; one idle connection's wait does not hold up anyone else; the time limit starts
afresh for every line; a line over the stream's limit ends only that connection.
"""

from __future__ import annotations

import socket
import time

import pytest

from test_streams_echo import Server, _serve, stop_with_ctrl_c

SERVER = "asyncio_stream_lines_server.py"
IDLE = 2.0  # IDLE_TIMEOUT of the listing


@pytest.fixture
def server():
    yield from _serve([SERVER])


def connect(server: Server) -> tuple[socket.socket, socket.SocketIO]:
    conn = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    return conn, conn.makefile("rb")


def test_the_listing_declares_the_timeout_this_test_assumes() -> None:
    from test_streams_echo import SNIPPETS

    assert f"IDLE_TIMEOUT = {IDLE}\n" in (SNIPPETS / SERVER).read_text()


def test_a_request_split_over_several_sends_is_one_line(server: Server) -> None:
    conn, lines = connect(server)
    with conn:
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        for piece in (b"SE", b"T col", b"or gre", b"en\nGET co", b"lor\n"):
            conn.sendall(piece)
            time.sleep(0.05)  # each piece its own segment, read separately by the server
        assert lines.readline() == b"OK\n"
        assert lines.readline() == b"VALUE green\n"
    log = stop_with_ctrl_c(server)
    assert "'SET color green' -> 'OK'" in log and "'GET color' -> 'VALUE green'" in log


def test_an_idle_connection_does_not_hold_up_another(server: Server) -> None:
    idle, idle_lines = connect(server)
    with idle:
        started = time.monotonic()
        busy, busy_lines = connect(server)
        with busy:
            for n in range(5):
                busy.sendall(f"SET n {n}\n".encode())
                assert busy_lines.readline() == b"OK\n"
            answered = time.monotonic() - started
        assert answered < IDLE / 2, f"the busy client waited {answered:.2f} s"
        assert idle_lines.readline() == b"BYE idle for too long\n"
        waited = time.monotonic() - started
        assert IDLE - 0.1 <= waited < IDLE + 3, waited
        assert idle_lines.readline() == b""  # and the server closed it
    stop_with_ctrl_c(server)


def test_the_time_limit_starts_afresh_for_every_line(server: Server) -> None:
    conn, lines = connect(server)
    with conn:
        started = time.monotonic()
        for n in range(3):  # 3 x 0.75 IDLE: longer in all than IDLE, never IDLE between lines
            time.sleep(IDLE * 0.75)
            conn.sendall(f"SET n {n}\n".encode())
            assert lines.readline() == b"OK\n", f"closed after {time.monotonic() - started:.2f} s"
        assert time.monotonic() - started > IDLE
    log = stop_with_ctrl_c(server)
    assert "no request for" not in log


def test_a_line_over_the_limit_ends_only_that_connection(server: Server) -> None:
    other, other_lines = connect(server)
    with other:
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as long:
            long.sendall(b"SET big " + b"x" * 70_000 + b"\n")  # over the default 64 KiB
            try:
                assert long.recv(100) == b""
            except ConnectionResetError:
                pass  # closed with unread data: the kernel resets instead
        other.sendall(b"GET big\n")
        assert other_lines.readline() == b"ERROR no value for big\n"
    log = stop_with_ctrl_c(server, logged_failures=1)
    assert "ValueError: Separator is found, but chunk is longer than limit" in log, log
