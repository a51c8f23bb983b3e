"""The one owner of every process the tool starts: it starts them, knows them, stops them.

Each listing runs as the leader of a new session (so a terminal's Ctrl-C meant for the
build is never taken for the listing's own), with two markers in its environment,
inherited by everything it starts:

- ``OUTPUTCHECK_RUN``: unique to the run.  When the run ends, its session is killed,
  and so is whatever still carries the marker (a daemon that left the session).
- ``OUTPUTCHECK_OWNER``: the command the run belongs to (``make html`` and the two
  Sphinx processes it starts share one).  An interrupt kills everything that carries it,
  even runs of a child process that was itself killed before it could clean up.

Every started run is registered here until it is stopped, so an interrupt, an exception
or the end of the interpreter can stop what is still running (:func:`stop_all`).  Once
stopping has begun nothing new starts and no result is recorded (:func:`stopping`).

:func:`stop_all` runs in a signal handler, which interrupts the main thread wherever it
is, even inside another call of the handler (a second Ctrl-C, or make passing on the
SIGTERM its process group got).  So the registry takes no lock: a lock held by the
interrupted code, or by the interrupted handler, would never be released.  Each change
of the registry is one dict operation (atomic under the GIL), the stop flag is a plain
boolean, and :func:`stop_all` reads a copy taken in one call.

Listing processes start with SIGINT, SIGTERM and SIGPIPE at their defaults, whatever the
builder inherited: a build run as a background job (SIGINT ignored), under ``nohup``
(SIGHUP ignored) or by cron must still be able to stop a server with Ctrl-C, and a
listing whose reader has gone must die rather than hang.
"""

from __future__ import annotations

import asyncio
import functools
import os
import shutil
import signal
import subprocess
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path

MARKER = "OUTPUTCHECK_RUN"
OWNER_MARKER = "OUTPUTCHECK_OWNER"
#: The command this process belongs to: inherited from the command that started it (so
#: ``make html`` and its Sphinx processes are one owner), or new.
OWNER = os.environ.get(OWNER_MARKER) or uuid.uuid4().hex
#: Signals every listing starts with at their default action.
DEFAULT_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGPIPE, signal.SIGHUP)


class Interrupted(Exception):
    """The command is stopping (Ctrl-C, SIGTERM, or its end): no run starts or counts."""


#: Set once, by :func:`stop_all` (a plain flag: ``threading.Event.set`` takes a lock).
_stopping = False
#: Every started run by pid; only ever changed by one dict operation at a time (no lock).
_live: dict[int, Running] = {}


def stopping() -> bool:
    """True once :func:`stop_all` began: results of this moment are not to be trusted."""
    return _stopping


# -- /proc ------------------------------------------------------------------------------


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


def marked(*needles: str) -> list[int]:
    """Processes (of this user) whose environment carries one of ``NAME=value`` needles."""
    wanted = [n.encode() + b"\0" for n in needles]
    return [pid for pid, environ in _processes("environ") if any(w in environ + b"\0" for w in wanted)]


def family(roots: Iterable[int], needles: Iterable[str] = ()) -> set[int]:
    """Every live process that is one of ``roots``, belongs to a session one of them
    leads, carries one of the ``NAME=value`` needles in its environment, or descends
    from any of those; never this process.

    For a command that starts whole programs (``make soak`` starts builds, CPU burners
    and Chromium): a session alone misses what left it (Playwright starts Chromium in
    a session of its own, a build starts each listing in one), a marker alone misses
    what cleared its environment, and parentage alone misses orphans."""
    roots = set(roots)
    wanted = [n.encode() + b"\0" for n in needles]
    parents: dict[int, int] = {}
    found: set[int] = set()
    for pid, raw in _processes("stat"):
        stat = raw.decode("utf-8", "replace")
        fields = stat[stat.rfind(")") + 2 :].split()  # after the command name
        try:
            parents[pid], session = int(fields[1]), int(fields[3])
        except (IndexError, ValueError):
            continue
        if pid in roots or session in roots:
            found.add(pid)
    if wanted:
        found |= {pid for pid, environ in _processes("environ") if any(w in environ + b"\0" for w in wanted)}
    while more := {pid for pid, parent in parents.items() if parent in found} - found:
        found |= more
    found.discard(os.getpid())
    return found


def ancestors() -> set[int]:
    """This process and the processes it descends from (never to be killed by it: the
    command that started a Sphinx build carries the same owner marker)."""
    found = set()
    pid = os.getpid()
    while pid > 1 and pid not in found:
        found.add(pid)
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            break
        pid = int(stat[stat.rfind(")") + 2 :].split()[1])
    return found


def signal_all(pids: list[int], sig: int) -> int:
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
    return signal_all(marked(f"{MARKER}={token}"), sig)


def kill_session(sid: int, sig: int = signal.SIGKILL) -> int:
    """Send ``sig`` to every process of the snippet's session; return how many were found."""
    found = 0
    try:
        os.killpg(sid, sig)
        found += 1
    except (ProcessLookupError, PermissionError):
        pass
    return found + signal_all(session_members(sid), sig)


# -- starting with clean signals ----------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _launcher() -> tuple[str, ...]:
    """A prefix that execs the listing with clean signals, tied to the life of its runner.

    - An ignored signal survives ``exec`` (a handled one does not), and Python cannot
      reset it in the child without ``preexec_fn``, which is unsafe in a threaded
      program.  GNU ``env --default-signal`` (coreutils 8.31+) resets it, then execs.
    - A listing whose reader has gone must die, not hang: Python listings ignore
      SIGPIPE themselves (one task dies of BrokenPipeError, the others wait for it), so
      ``setpriv --pdeathsig KILL`` (util-linux) kills the listing when the thread that
      started it is gone: a build killed with SIGKILL leaves no listing behind.

    Both exec in place: the listing keeps its pid, session and command line.  Where a
    tool is missing, the prefix does without it (``_reset_signals`` covers the first).
    """
    found: list[str] = []
    setpriv = shutil.which("setpriv", path="/usr/bin:/bin")
    if setpriv and _works([setpriv, "--pdeathsig", "KILL", "true"]):
        found += [setpriv, "--pdeathsig", "KILL"]
    env = shutil.which("env", path="/usr/bin:/bin")
    names = ",".join(signal.Signals(s).name.removeprefix("SIG") for s in DEFAULT_SIGNALS)
    if env and _works([env, f"--default-signal={names}", "true"]):
        found += [env, f"--default-signal={names}"]
    return tuple(found)


def _works(command: list[str]) -> bool:
    try:
        return subprocess.run(command, capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def _reset_signals() -> None:  # pragma: no cover - only where env lacks --default-signal
    for sig in DEFAULT_SIGNALS:
        signal.signal(sig, signal.SIG_DFL)


class Running:
    """One started program (leader of a new session), its pipe's reader, its markers."""

    def __init__(
        self, proc: asyncio.subprocess.Process, reader: asyncio.Future[tuple[bytes, bool]], token: str, name: str
    ) -> None:
        self.proc = proc
        self.reader = reader
        self.token = token
        self.name = name

    @classmethod
    async def start(
        cls, python: str, filename: str, args: tuple[str, ...], cwd: Path, env: dict[str, str], max_output: int,
        label: str = "",
    ) -> Running:
        """Start ``python filename args`` in ``cwd``; stdout and stderr share one pipe.
        ``label`` names the run in an interrupt's message (default: the file name)."""
        if stopping():
            raise Interrupted(f"not starting {filename}: the command is stopping")
        token = uuid.uuid4().hex
        prefix = _launcher()
        proc = await asyncio.create_subprocess_exec(
            *prefix,
            python,
            filename,
            *args,
            cwd=cwd,
            env={**env, MARKER: token, OWNER_MARKER: OWNER},  # not part of any cache key
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,  # one pipe: the order a terminal shows
            start_new_session=True,
            preexec_fn=None if "--default-signal" in " ".join(prefix) else _reset_signals,
        )
        assert proc.stdout is not None
        running = cls(proc, asyncio.ensure_future(read_capped(proc.stdout, max_output)), token, label or filename)
        _live[proc.pid] = running  # registered before the flag is read: stop_all sets it first
        if stopping():  # an interrupt came while it started: it must not outlive the command
            kill_session(proc.pid)
            raise Interrupted(f"{filename} started while the command was stopping")
        return running

    async def wait(self, timeout: float) -> bool:
        """Wait for the process to end; True if it ran out of time."""
        try:
            await asyncio.wait_for(asyncio.shield(self.proc.wait()), timeout)
        except asyncio.TimeoutError:
            return True
        return False

    async def stop(self) -> tuple[str, bool]:
        """Kill whatever is left of the run and return (output, truncated)."""
        kill_session(self.proc.pid)
        kill_marked(self.token)
        if self.proc.returncode is None:
            await self.proc.wait()
        _live.pop(self.proc.pid, None)
        try:
            data, truncated = await asyncio.wait_for(self.reader, 5.0)
        except asyncio.TimeoutError:  # a process outside the session still holds the pipe
            self.reader.cancel()
            data, truncated = b"", True
        return data.decode("utf-8", errors="backslashreplace"), truncated


async def read_capped(stream: asyncio.StreamReader, limit: int) -> tuple[bytes, bool]:
    """Read to end of stream; keep the first ``limit`` bytes, drop (but drain) the rest, so
    a runaway listing can neither exhaust memory nor block on a full pipe."""
    kept = bytearray()
    truncated = False
    while chunk := await stream.read(65536):
        room = limit - len(kept)
        if room > 0:
            kept += chunk[:room]
        if len(chunk) > room:
            truncated = True
    return bytes(kept), truncated


def running_names() -> list[str]:
    """File names of the listings running now (for an interrupt's message)."""
    return sorted(r.name for r in _live.copy().values())


def stop_all(everything_of_owner: bool = True) -> list[str]:
    """Stop every process this command started, and every session they created.

    Safe from a signal handler, from ``atexit``, and from a handler that interrupted
    another call of itself: it takes no lock and only reads ``/proc`` and sends signals.
    With ``everything_of_owner``, processes that carry this command's owner marker die
    too, including runs started by a child process of the command (a Sphinx build of
    ``make html``).  Returns the names of the listings that were still running.
    """
    global _stopping
    _stopping = True
    live = list(_live.copy().values())  # one call: never a dict that changes while it is read
    for running in live:
        kill_session(running.proc.pid)
    needles = [f"{MARKER}={r.token}" for r in live]
    if everything_of_owner:
        needles.append(f"{OWNER_MARKER}={OWNER}")
    if needles:
        # Until a pass finds nothing: a process killed in one pass (a Sphinx build of the
        # command) may have started a listing while the pass read /proc.
        mine = ancestors()
        for _ in range(10):
            if not signal_all([pid for pid in marked(*needles) if pid not in mine], signal.SIGKILL):
                break
    return sorted(r.name for r in live)


def forget_stop() -> None:
    """Allow runs again (tests that interrupt in-process, then go on)."""
    global _stopping
    _stopping = False
