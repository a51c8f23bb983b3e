"""Kill everything a snippet started.

Each snippet runs as the leader of a new session (``start_new_session=True``), so its
children and grandchildren share its session id even if they move to another process
group.  Killing the group catches the usual case; scanning ``/proc`` for the session
catches the rest on Linux.  A daemon that starts a session of its own escapes both, so
every run also carries a marker in its environment (``OUTPUTCHECK_RUN``, unique to the
run, inherited by everything it starts) and whatever still carries it when the run
ends is killed too.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path


def _processes(name: str) -> Iterator[tuple[int, bytes]]:
    """(pid, contents of /proc/<pid>/<name>) for every process we may read (Linux only)."""
    proc = Path("/proc")
    if not proc.is_dir():
        return
    for entry in proc.iterdir():
        if entry.name.isdigit():
            try:
                yield int(entry.name), (entry / name).read_bytes()
            except OSError:
                continue


def session_members(sid: int) -> list[int]:
    """Process ids whose session id is ``sid`` (Linux ``/proc``; empty elsewhere)."""
    members = []
    for pid, raw in _processes("stat"):
        stat = raw.decode("utf-8", "replace")
        # Fields after the command name, which is in parentheses and may hold spaces.
        fields = stat[stat.rfind(")") + 2 :].split()
        if len(fields) > 3 and int(fields[3]) == sid:
            members.append(pid)
    return members


MARKER = "OUTPUTCHECK_RUN"


def marked(token: str) -> list[int]:
    """Processes (of this user) whose environment carries ``MARKER=token``."""
    needle = f"{MARKER}={token}".encode() + b"\0"
    return [pid for pid, environ in _processes("environ") if needle in environ + b"\0"]


def _signal_all(pids: list[int], sig: int) -> int:
    """Send ``sig`` to each process (never this one); return how many got it."""
    count = 0
    for pid in pids:
        if pid == os.getpid():
            continue
        try:
            os.kill(pid, sig)
            count += 1
        except (ProcessLookupError, PermissionError):
            pass
    return count


def kill_marked(token: str, sig: int = signal.SIGKILL) -> int:
    """Kill every process carrying the run's marker; return how many."""
    return _signal_all(marked(token), sig)


def kill_session(sid: int, sig: int = signal.SIGKILL) -> int:
    """Send ``sig`` to every process of the snippet's session; return how many were found."""
    found = 0
    try:
        os.killpg(sid, sig)
        found += 1
    except (ProcessLookupError, PermissionError):
        pass
    return found + _signal_all(session_members(sid), sig)
