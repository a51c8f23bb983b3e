"""A client and the server it talks to, run as a reader runs them in two terminals.

The reader starts the server in one terminal, the client in another, and stops the
server with Ctrl-C.  The build does the same: it starts the server on a free port
(passed in ``ECHO_PORT``, so parallel builds and test runs never collide), waits until
the server listens (read from ``/proc/net``, so no probe connection shows in its log),
runs the client, sends SIGINT to the server and collects both terminals.  The port the
run used is shown as the port the book uses (10000): it is the exact inverse of the one
substitution the build made.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import time
from pathlib import Path

from . import interpreters, processes
from .processes import Running
from .runner import MAX_OUTPUT_BYTES, RunResult, RunSpec, snippet_environment

PORT_VARIABLE = "ECHO_PORT"
SHOWN_PORT = 10000
#: How long a server may take to finish its ``finally`` block after Ctrl-C.
STOP_GRACE = 5.0
#: How long a server may take to listen on the port it was given.
LISTEN_GRACE = 10.0


def free_port() -> int:
    """A TCP port free on both loopback addresses ("localhost" may resolve to either)."""
    for _ in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as v4:
            v4.bind(("127.0.0.1", 0))
            port = v4.getsockname()[1]
            try:
                with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as v6:
                    v6.bind(("::1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port on loopback")


def _listening_sockets() -> dict[str, int] | None:
    """Inode -> port of every listening TCP socket, or None where /proc/net is unavailable."""
    found: dict[str, int] = {}
    seen_table = False
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            rows = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        seen_table = True
        for row in rows:
            fields = row.split()
            if len(fields) > 9 and fields[3] == "0A":
                found[fields[9]] = int(fields[1].rsplit(":", 1)[1], 16)
    return found if seen_table else None


def _socket_inodes(pid: int) -> set[str]:
    inodes = set()
    try:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
    except OSError:
        pass
    return inodes


def listening(port: int, pid: int | None = None) -> bool | None:
    """Whether a socket listens on ``port`` (held by process ``pid`` if given), or None
    where /proc/net is unavailable.  Checking the owner matters: another program that
    already listens on the port must not count as our server being ready."""
    sockets = _listening_sockets()
    if sockets is None:
        return None
    inodes = {inode for inode, p in sockets.items() if p == port}
    if pid is None or not inodes:
        return bool(inodes)
    return bool(inodes & _socket_inodes(pid))


def ports_of(pid: int) -> list[int]:
    """The ports process ``pid`` listens on (to say where a server listens instead)."""
    sockets = _listening_sockets() or {}
    return sorted({sockets[i] for i in _socket_inodes(pid) if i in sockets})


async def _until_listening(server: Running, port: int, deadline: float) -> bool:
    while time.monotonic() < deadline:
        if server.proc.returncode is not None:
            return False
        state = listening(port, server.proc.pid)
        if state is None:  # no /proc: give the server a moment, as a reader would
            await asyncio.sleep(1.0)
            return server.proc.returncode is None
        if state:
            return True
        await asyncio.sleep(0.01)
    return False


def _shown(text: str, port: int) -> str:
    return re.sub(rf"(?<!\d){port}(?!\d)", str(SHOWN_PORT), text)


async def run_with_server(
    spec: RunSpec,
    *,
    snippets_dir: Path,
    python: str | None = None,
    timeout: float = 30.0,
    env: dict[str, str] | None = None,
    max_output: int = MAX_OUTPUT_BYTES,
) -> RunResult:
    """Run ``spec`` (the client) against ``spec.server``; both terminals in one result.

    What went wrong is told apart, because each asks for a different fix: a server that
    ended or never listened on the port it was given (the client is then not run at
    all), a client that ran past the timeout, a server that did not stop after Ctrl-C.
    """
    server_file = f"{spec.server}.py"
    if not (snippets_dir / spec.filename).is_file() or not (snippets_dir / server_file).is_file():
        return RunResult(spec, "", None, 0.0, missing=True)
    python = python or interpreters.reader_python()
    started = time.monotonic()
    deadline = started + timeout
    base_env = env if env is not None else snippet_environment(python)
    for attempt in range(3):
        port = free_port()
        run_env = dict(base_env, **{PORT_VARIABLE: str(port)})
        server = await Running.start(python, server_file, (), snippets_dir, run_env, max_output)
        try:
            ready = await _until_listening(server, port, min(deadline, time.monotonic() + LISTEN_GRACE))
            elsewhere = [] if ready else ports_of(server.proc.pid)
            ended = server.proc.returncode  # None while it still runs: we stop it below
        except BaseException:
            await server.stop()
            raise
        if ready:
            break
        out, _ = await server.stop()
        if processes.stopping():
            raise processes.Interrupted(f"{server_file} was stopped by an interrupt")
        if "address already in use" in out.lower() and attempt < 2:
            continue  # another process took the port between our check and the bind
        if ended is not None:
            problem = f"server {server_file} ended before it listened on the port it was given (exit code {ended})"
        else:
            waited = min(LISTEN_GRACE, timeout)
            problem = (
                f"server {server_file} did not listen on the port it was given ({PORT_VARIABLE}={port}) "
                f"within {waited:g} s"
                + (f"; it listens on {', '.join(map(str, elsewhere))} instead" if elsewhere else "")
            )
        return RunResult(
            spec, "", None, time.monotonic() - started,
            python=python,
            server_output=_shown(out, port),
            server_returncode=ended,
            server_problem=problem,
            client_started=False,
        )
    try:
        client = await Running.start(python, spec.filename, spec.args, snippets_dir, run_env, max_output)
        try:
            client_timed_out = await client.wait(max(0.0, deadline - time.monotonic()))
        finally:
            client_out, client_truncated = await client.stop()
        if server.proc.returncode is None:
            server.proc.send_signal(signal.SIGINT)  # Ctrl-C in the server's terminal
        server_kept_on = await server.wait(STOP_GRACE)
    finally:
        server_out, server_truncated = await server.stop()
    if processes.stopping():
        raise processes.Interrupted(f"{spec.label} was stopped by an interrupt")
    return RunResult(
        spec,
        _shown(client_out, port),
        None if client_timed_out else client.proc.returncode,
        time.monotonic() - started,
        timed_out=client_timed_out,
        truncated=client_truncated or server_truncated,
        python=python,
        server_output=_shown(server_out, port),
        server_returncode=None if server_kept_on else server.proc.returncode,
        server_problem=(
            f"server {server_file} did not stop within {STOP_GRACE:g} s after Ctrl-C (SIGINT) and was killed"
            if server_kept_on else ""
        ),
    )
