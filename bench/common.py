"""What ``make bench`` and ``make soak`` share: a private copy of the book, and the
processes they start, tracked so that every one of them stops with the command.

Both commands start builds, CPU burners, ``make`` and Chromium.  Each is started as the
leader of a new session and carries a marker in its environment.  Stopping finds
everything below those processes, by parent, by session and by marker, through
``outputcheck.running.processes.family`` (the one place that reads ``/proc``): the session alone
misses two kinds, since Playwright launches Chromium detached (a session of its own)
and a build starts every listing in a session of its own.  What is found is frozen
with SIGSTOP first (so nothing forks while it is collected), then killed with SIGKILL.

SIGINT and SIGTERM stop all of it at once, then interrupt the main thread (by
cancelling the listing runs under way, or by raising :class:`Interrupted`), so
``finally`` blocks run and the command exits with 130 or 143.  A second signal (Ctrl-C
twice, or make passing on the SIGTERM its process group got) changes nothing, and the
handler waits for nothing the interrupted code may hold (see :func:`on_interrupt`).
"""

from __future__ import annotations

import asyncio
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from outputcheck.running import processes  # noqa: E402  (the one place that reads /proc and signals)

COPY = ["docs", "snippets", "outputcheck", "bilingual", "reader", "timeline", "conf.py", "pyproject.toml"]
MARKER = "BOOK_BENCH_RUN"
T = TypeVar("T")


def copy_book(dest: Path, *, with_make: bool = False) -> Path:
    """A private copy of the book at ``dest`` (the working tree is never built in).

    ``with_make`` adds the Makefile and a link to this checkout's ``.venv``, so that
    ``make clean`` and ``make html`` run in the copy exactly as a user runs them,
    without creating a second virtualenv.
    """
    for name in COPY:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
        else:
            shutil.copy2(src, dest / name)
    if with_make:
        # make would reinstall .venv from the copy (repointing the editable install
        # there) if the copy's pyproject.toml were newer than the stamp.
        stamp = ROOT / ".venv" / ".installed"
        if not stamp.exists() or stamp.stat().st_mtime < (dest / "pyproject.toml").stat().st_mtime:
            raise SystemExit("bench: .venv is missing or older than pyproject.toml; run `make venv` first")
        shutil.copy2(ROOT / "Makefile", dest / "Makefile")
        (dest / ".venv").symlink_to(ROOT / ".venv")
    return dest


class Interrupted(KeyboardInterrupt):
    """SIGINT or SIGTERM.  A KeyboardInterrupt, so every layer (asyncio, subprocess)
    unwinds as it does for Ctrl-C, and no ``except Exception`` swallows it."""

    def __init__(self, signum: int) -> None:
        self.signum = signum
        super().__init__(signal.Signals(signum).name)

    @property
    def name(self) -> str:
        return signal.Signals(self.signum).name

    @property
    def status(self) -> int:
        """The conventional exit status: 130 for SIGINT, 143 for SIGTERM."""
        return 128 + self.signum


class Children:
    """The processes one command started, and everything they started in turn."""

    def __init__(self) -> None:
        self.token = uuid.uuid4().hex
        self.started: list[subprocess.Popen] = []

    def environment(self, extra: dict[str, str] | None = None, inherit: bool = True) -> dict[str, str]:
        """This process's environment (or none, without ``inherit``), ``extra``, and the marker."""
        return {**(os.environ if inherit else {}), **(extra or {}), MARKER: self.token}

    def start(self, command: list[str], *, cwd: Path, env: dict[str, str] | None = None,
              stdout: object = subprocess.DEVNULL, inherit: bool = True) -> subprocess.Popen:
        """Start ``command`` as the leader of a new session, tracked."""
        proc = subprocess.Popen(
            command, cwd=cwd, env=self.environment(env, inherit), stdin=subprocess.DEVNULL,
            stdout=stdout, stderr=subprocess.STDOUT, start_new_session=True,
        )
        self.started.append(proc)
        return proc

    def run(self, command: list[str], *, cwd: Path, env: dict[str, str] | None = None,
            inherit: bool = True) -> Finished:
        """Run ``command`` to its end: wall time, output, exit code, and the user and
        system CPU seconds of its whole process tree (every descendant is waited for
        by its parent, so ``RUSAGE_CHILDREN`` counts them all)."""
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        proc = self.start(command, cwd=cwd, env=env, stdout=subprocess.PIPE, inherit=inherit)
        output, _ = proc.communicate()
        took = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        self.started.remove(proc)
        return Finished(
            took, output.decode("utf-8", "replace"), proc.returncode,
            after.ru_utime - before.ru_utime, after.ru_stime - before.ru_stime,
        )

    def tree(self, below_self: bool = False) -> set[int]:
        """Every live process below the ones started here (never this process itself);
        with ``below_self``, also everything else below this process."""
        roots = {p.pid for p in self.started} | ({os.getpid()} if below_self else set())
        return processes.family(roots, [f"{MARKER}={self.token}"])

    def stop(self, below_self: bool = False, wait: bool = True) -> int:
        """Freeze, then kill, everything started here; return how many processes.

        ``below_self`` is the last sweep of a command that ends: it also kills what the
        command's own process started otherwise (a listing run whose start was cut
        short by the interruption, which outputcheck never got to track).

        Without ``wait`` (in a signal handler) it only sends signals: waiting for a
        started process takes its ``Popen`` lock, which the interrupted main thread holds
        while it waits for that process itself (``communicate``); the last sweep waits."""
        frozen: set[int] = set()
        for _ in range(10):
            new = self.tree(below_self) - frozen
            if not new:
                break
            processes.signal_all(sorted(new), signal.SIGSTOP)
            frozen |= new
        processes.signal_all(sorted(frozen), signal.SIGKILL)
        if not wait:
            return len(frozen)
        for proc in self.started:
            try:
                proc.wait(timeout=1)
            except subprocess.TimeoutExpired:
                pass
        self.started = [p for p in self.started if p.returncode is None]
        if below_self:
            _reap(frozen)
        return len(frozen)


@dataclass
class Finished:
    """A finished command: wall seconds, output, exit code, CPU seconds of its tree."""

    took: float
    output: str
    returncode: int
    user: float
    system: float

    @property
    def cpu(self) -> float:
        return self.user + self.system


def become_subreaper() -> None:
    """Processes orphaned below this one (a Sphinx process whose build was killed with
    it) are re-parented here instead of to init, so the last ``stop`` can reap them:
    nothing of the command is left, not even as a zombie waiting for init.  Linux only;
    elsewhere nothing changes."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        pass


def _reap(killed: set[int], seconds: float = 1.0) -> None:
    """Wait (briefly) for the killed processes that are now children of this one."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            if not any(Path(f"/proc/{p}").exists() for p in killed):
                return
            time.sleep(0.01)


def run_command(name: str, children: Children, where: list[str], work: Callable[[Path], int],
                also_stopped: str = "") -> int:
    """The frame of ``make bench`` and ``make soak``: ``work`` runs with a private
    temporary folder; SIGINT or SIGTERM stops what ``children`` started and ends the
    command with 130 or 143 and one line saying ``where`` it was; on every way out the
    last sweep stops everything below this process and the folder is removed."""
    stopped: list[int] = []
    become_subreaper()
    on_interrupt(lambda: stopped.append(children.stop(wait=False)))
    tmp = Path(tempfile.mkdtemp(prefix=f"book-{name}-"))
    try:
        return work(tmp)
    except Interrupted as exc:
        print(f"{name}: interrupted by {exc.name} during {where[0]}; stopped the {sum(stopped)} processes it had "
              f"started{also_stopped}", file=sys.stderr, flush=True)
        return exc.status
    finally:
        children.stop(below_self=True)
        shutil.rmtree(tmp, ignore_errors=True)  # after the message: the copies take a moment to delete


#: The coroutine ``run_async`` is running (its loop and task), and the signals caught.
_running: list[tuple[asyncio.AbstractEventLoop, asyncio.Task]] = []
_caught: list[int] = []


def on_interrupt(stop: Callable[[], object]) -> None:
    """On SIGINT or SIGTERM: call ``stop`` at once (it kills what was started here), then
    interrupt the main thread.  While ``run_async`` runs listings, that means cancelling
    its coroutine, as ``asyncio.run`` does for Ctrl-C, so that outputcheck stops every
    listing run in its own ``finally``; anywhere else, :class:`Interrupted` is raised
    where the main thread is.  Later signals are ignored: the cleanup is bounded and
    must not itself be cut short.

    A later signal may arrive while the handler runs (Ctrl-C twice; make passing on the
    SIGTERM of its process group), and Python then runs the handler again in the middle
    of itself.  So the first statement records the signal, with no call before it (a
    pending handler runs only at a call), and a handler that finds one recorded returns."""

    def handler(signum: int, frame: object) -> None:
        if _caught:
            return  # the first signal is being acted on
        _caught.append(signum)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        stop()
        if _running:
            loop, task = _running[-1]
            try:
                loop.call_soon_threadsafe(task.cancel)
                return
            except RuntimeError:  # the loop has just closed: interrupt where the main thread is
                pass
        raise Interrupted(signum)

    for sig in (signal.SIGINT, signal.SIGTERM):
        if signal.getsignal(sig) != signal.SIG_IGN:  # inherited ignored (a background job): stays ignored
            signal.signal(sig, handler)


def run_async(coro: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run`` that a signal cancels cleanly (see ``on_interrupt``); the
    interruption then surfaces here as :class:`Interrupted`."""

    async def tracked() -> T:
        _running.append((asyncio.get_running_loop(), asyncio.current_task()))
        try:
            return await coro
        finally:
            _running.pop()

    try:
        result = asyncio.run(tracked())
    except asyncio.CancelledError:
        if not _caught:
            raise
    if _caught:
        raise Interrupted(_caught[0])
    return result
