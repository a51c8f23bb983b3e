"""Ctrl-C stops the protocol echo server of 10.5.8.1 while a client is still connected,
as its "Changed in this edition" box says, on each Python that box names.

The box (issue #20, item 8) promises: with no client connected, one Ctrl-C ends the server
without a traceback (exit status 0) everywhere; with a client connected, the same on 3.11
(wait_closed() does not wait for connections) and on 3.13 (the listing closes them with
Server.close_clients() first); on 3.12 the server waits in wait_closed() for the
connection to end, and a second Ctrl-C ends it there with a KeyboardInterrupt traceback.
Each claim is checked here with the real listing, a real client on loopback, and SIGINT.
"""

from __future__ import annotations

import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

from outputcheck.running.interpreters import find
from listeners import session_members
from test_streams_echo import Server, _serve

SERVER = "asyncio_echo_server_protocol.py"


def python(name: str) -> str:
    found = find(name)
    if found is None:
        pytest.skip(f"{name} is not installed (pyenv install {name.removeprefix('python')})")
    return found


def serve(name: str):
    return _serve([SERVER], python(name))


def connected_client(port: int) -> socket.socket:
    client = socket.create_connection(("127.0.0.1", port), timeout=10)
    client.sendall(b"still here")
    assert client.recv(100) == b"still here"
    return client


def ctrl_c(server: Server) -> None:
    server.proc.send_signal(signal.SIGINT)


def ended(server: Server, within: float) -> str | None:
    """The server's log if it ended within ``within`` seconds, else None (still running)."""
    try:
        log, _ = server.proc.communicate(timeout=within)
    except subprocess.TimeoutExpired:
        return None
    sid = server.proc.pid
    assert not Path(f"/proc/{sid}").exists() and session_members(sid) == []
    return log


@pytest.mark.parametrize("name", ["python3.11", "python3.12", "python3.13"])
def test_ctrl_c_with_no_client_ends_the_server_at_once(name: str) -> None:
    for server in serve(name):
        ctrl_c(server)
        log = ended(server, within=10)
        assert log is not None, f"{name}: still running 10 s after Ctrl-C"
        assert server.proc.returncode == 0 and "Traceback" not in log, log
        assert log.rstrip().endswith("main: closing event loop"), log


@pytest.mark.parametrize("name", ["python3.11", "python3.13"])
def test_ctrl_c_with_a_client_connected_ends_the_server_at_once(name: str) -> None:
    for server in serve(name):
        client = connected_client(server.port)
        try:
            ctrl_c(server)
            log = ended(server, within=10)
            assert log is not None, f"{name}: still running 10 s after Ctrl-C with a client connected"
            assert server.proc.returncode == 0 and "Traceback" not in log, log
            lines = log.splitlines()
            closing = [line for line in lines if line.endswith(": closing") and line.startswith("EchoServer_")]
            if name == "python3.13":
                # close_clients() closed the connection before wait_closed(): the protocol saw it
                assert len(closing) == 1, log
                assert lines.index("main: closing server") < lines.index(closing[0]) < lines.index("main: closing event loop")
                assert client.recv(100) == b""  # an orderly close reached the client
            else:
                assert closing == [], log  # 3.11 does not wait: the process ends, the OS drops the connection
        finally:
            client.close()


def test_python_3_12_waits_for_the_connection_and_a_second_ctrl_c_ends_it_with_a_traceback() -> None:
    for server in serve("python3.12"):
        client = connected_client(server.port)
        try:
            ctrl_c(server)
            assert ended(server, within=2) is None, "3.12 ended at once; the box says it waits in wait_closed()"
            ctrl_c(server)
            log = ended(server, within=10)
            assert log is not None, "still running 10 s after a second Ctrl-C"
            assert server.proc.returncode == -signal.SIGINT, (server.proc.returncode, log)
            tail = log[log.index("Traceback"):]
            assert "server.wait_closed()" in tail and tail.rstrip().endswith("KeyboardInterrupt"), log
        finally:
            client.close()


def test_python_3_12_ends_cleanly_once_the_client_goes() -> None:
    for server in serve("python3.12"):
        client = connected_client(server.port)
        ctrl_c(server)
        assert ended(server, within=2) is None
        client.close()
        log = ended(server, within=10)
        assert log is not None, "still running 10 s after the last client left"
        assert server.proc.returncode == 0 and "Traceback" not in log, log
        assert log.rstrip().endswith("main: closing event loop"), log
