"""A listing started as a server for a test, the way a reader starts it in a terminal: in a
session of its own, with Ctrl-C working, and handed over only once it listens."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path

import pytest

from outputcheck.running.servers import free_port, listening


def echo_port_env() -> tuple[int, dict[str, str]]:
    """A free ECHO_PORT and the environment a reader's shell gives an echo listing
    (skips the test where /proc cannot show when it listens and what it leaves)."""
    if not Path("/proc/net/tcp").exists():
        pytest.skip("needs /proc to see when the server listens and what it leaves behind")
    port = free_port()
    return port, {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "ECHO_PORT": str(port),
        "PYTHONWARNINGS": "error::DeprecationWarning",
        "PYTHONUNBUFFERED": "1",
    }


def default_sigint() -> None:
    """A test run in the background may have SIGINT ignored; the child must see Ctrl-C."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start_listening(argv: Sequence[str], *, cwd: Path, env: dict[str, str], port: int) -> subprocess.Popen[str]:
    """Start ``argv`` and return once it listens on ``port`` (read from /proc, so no probe
    connection reaches its log); the test fails if it ends or takes over 15 s first."""
    name = Path(argv[1]).name if len(argv) > 1 else argv[0]
    proc = subprocess.Popen(
        list(argv), cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True, preexec_fn=default_sigint,
    )
    deadline = time.monotonic() + 15
    while not listening(port, proc.pid):
        if proc.poll() is not None:
            pytest.fail(f"{name} ended before it listened:\n{proc.communicate()[0]}")
        if time.monotonic() > deadline:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            pytest.fail(f"{name} did not listen on port {port} within 15 s")
        time.sleep(0.05)
    return proc


def session_members(sid: int) -> list[int]:
    """Live processes whose session is ``sid`` (the server started its own session)."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == sid and fields[0] != "Z":
            members.append(int(entry.name))
    return members
