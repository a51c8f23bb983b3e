"""Signals as they really come: two or three back to back, to a whole process group.

Ctrl-C pressed twice, Ctrl-C then a ``kill``, a CI runner that sends SIGTERM to a job's
process group (``make`` then passes it on to its child, which so gets it twice): a
command of the book must stop once, within 2 s, whatever the order and the gaps.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from booktools import STOPPED_WITHIN, processes_under

INT, TERM = signal.SIGINT, signal.SIGTERM


@dataclass(frozen=True)
class Volley:
    """Signals sent one after another to a process group, ``gaps`` milliseconds apart."""

    signals: tuple[signal.Signals, ...]
    gaps: tuple[int, ...]

    def __str__(self) -> str:
        parts = [self.signals[0].name.removeprefix("SIG")]
        for gap, sig in zip(self.gaps, self.signals[1:]):
            parts += [f"{gap}ms", sig.name.removeprefix("SIG")]
        return "-".join(parts)

    def send(self, pgid: int) -> float:
        """Send the volley; return when the first signal went (``time.monotonic``)."""
        first = time.monotonic()
        for i, sig in enumerate(self.signals):
            if i:
                time.sleep(self.gaps[i - 1] / 1000)
            try:
                os.killpg(pgid, sig)
            except ProcessLookupError:  # the whole group has already gone
                break
        return first


#: Every order of two signals, and half of the orders of three, 0-50 ms apart.
VOLLEYS = [
    Volley((INT, TERM), (0,)),
    Volley((TERM, INT), (20,)),
    Volley((TERM, TERM), (5,)),
    Volley((INT, INT), (50,)),
    Volley((INT, TERM, INT), (0, 30)),
    Volley((TERM, INT, TERM), (10, 10)),
    Volley((TERM, TERM, INT), (50, 0)),
    Volley((INT, INT, TERM), (2, 45)),
]


def catches_sigterm(pid: int) -> bool:
    """Whether the process has a handler for SIGTERM (ours: installed, so it acts)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    caught = int(next(line for line in status.splitlines() if line.startswith("SigCgt")).split()[1], 16)
    return bool(caught & (1 << (signal.SIGTERM - 1)))


def descendants(pid: int) -> list[tuple[int, str]]:
    """(pid, command line) of every process below ``pid``."""
    children: dict[int, list[int]] = {}
    lines: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
                lines[int(entry.name)] = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
            except OSError:
                continue
            children.setdefault(int(stat[stat.rfind(")") + 2 :].split()[1]), []).append(int(entry.name))
    found, todo = [], list(children.get(pid, []))
    while todo:
        current = todo.pop(0)
        found.append((current, lines.get(current, "")))
        todo += children.get(current, [])
    return found


def handlers_installed(pid: int, needle: str) -> bool:
    """Whether ``pid`` or a process below it whose command line holds ``needle`` has its handlers."""
    try:
        own = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
    except OSError:
        own = ""
    return any(needle in line and catches_sigterm(p) for p, line in [(pid, own), *descendants(pid)])


def stop(proc: subprocess.Popen, volley: Volley, folder: Path) -> tuple[float, str]:
    """Send ``volley`` to the command's process group; return the seconds until the
    command and everything under ``folder`` were gone, and what the command printed."""
    sent = volley.send(proc.pid)
    try:
        out, err = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        raise AssertionError(f"{volley}: the command did not end within 30 s:\n{(out or '')[-2000:]}{(err or '')[-2000:]}")
    while processes_under(folder) and time.monotonic() - sent < STOPPED_WITHIN:
        time.sleep(0.02)
    took = time.monotonic() - sent
    return took, (out or "") + (err or "")


def assert_stopped_once(output: str, volley: Volley) -> list[str]:
    """Each process that reports an interrupt reports one, naming a signal of the volley
    (no second, nested shutdown); returns the lines."""
    lines = [line for line in output.splitlines() if ": interrupted by " in line]
    by = Counter(line.split(": interrupted by ")[0] for line in lines)
    assert all(n == 1 for n in by.values()), f"{volley}: more than one shutdown in one process:\n" + "\n".join(lines)
    names = [s.name for s in volley.signals]
    for line in lines:
        assert any(f"interrupted by {n}" in line for n in names), f"{volley}: {line}"
    return lines
