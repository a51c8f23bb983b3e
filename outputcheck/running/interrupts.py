"""What Ctrl-C and SIGTERM do to a command of the book.

An author presses Ctrl-C while listings run, a script kills a background build, CI
cancels a job.  Whatever the moment, the command:

- stops every process it started and every session they created (:func:`processes.stop_all`),
  and whatever else it registered (:func:`on_interrupt`, e.g. the Sphinx builds of
  ``make html``);
- records nothing: no run goes into the cache, no page or record is written (both check
  :func:`processes.stopping`; a page being written is finished first, see :func:`deferred`);
- prints one line saying so, and where it was (:func:`set_phase`);
- exits at once with the conventional status, 128 + the signal (130 for SIGINT).

A signal the command inherited as ignored stays ignored: a build started as a background
job of a script is meant to survive the Ctrl-C typed for the script.

The handler may itself be interrupted: Ctrl-C pressed twice, or ``make`` passing on the
SIGTERM that its whole process group got (the command then gets two, a moment apart).
Python runs the second handler on the same thread, in the middle of the first.  So the
first thing the handler does is note that it is acting, and a later signal then changes
nothing (the first one is already stopping everything, with SIGKILL: there is no
graceful wait left to hurry).  And nothing on the way takes a lock that the interrupted
code, or the interrupted handler, may hold: such a lock would never be released.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import signal
import sys
import threading
import _thread
from collections.abc import Callable, Iterator
from typing import Any

from . import processes

SIGNALS = (signal.SIGINT, signal.SIGTERM)

_command = "outputcheck"
_phase = "starting"
_previous: dict[int, Any] = {}
_cleanups: dict[object, Callable[[], None]] = {}
_deferred: list[int] = []
_deferring = 0
_acting = 0  # the signal being acted on; a later one changes nothing
_at_exit_registered = False
_installed_in = 0  # the process that installed the handlers (a forked worker is silent)


def worker(target: Callable[[], None], name: str) -> threading.Thread:
    """A daemon thread that never takes SIGINT or SIGTERM, nor do the threads it starts.

    A signal meant for the process is delivered to any one of its threads that does not
    block it.  The Python handler always runs in the main thread, but only once that
    thread runs Python code again: if the signal lands in a worker while the main thread
    waits in a system call (a read, a join, a select), the handler waits with it.  So
    workers block both signals, and the main thread waits in short slices (:func:`join`).
    """

    def run() -> None:
        signal.pthread_sigmask(signal.SIG_BLOCK, SIGNALS)
        target()

    thread = threading.Thread(target=run, name=name, daemon=True)
    thread.start()
    return thread


def join(thread: threading.Thread) -> None:
    """Wait for ``thread`` in short slices, so an interrupt is acted on at once."""
    while thread.is_alive():
        thread.join(0.05)


def set_phase(text: str) -> None:
    """What the command is doing now, for the interrupt's message ("writing pages")."""
    global _phase
    _phase = text


def install(command: str) -> bool:
    """Take over SIGINT and SIGTERM for ``command`` (from the main thread only).

    Returns whether anything was installed.  Also makes sure the processes of the
    command are stopped when the interpreter ends for any other reason (an exception).
    """
    global _command, _at_exit_registered, _installed_in
    if threading.current_thread() is not threading.main_thread():
        return False
    _command = command
    _installed_in = os.getpid()
    if not _at_exit_registered:
        atexit.register(processes.stop_all, everything_of_owner=False)
        _at_exit_registered = True
    installed = False
    for sig in SIGNALS:
        current = signal.getsignal(sig)
        if current == signal.SIG_IGN or current is _handler:
            continue
        _previous[sig] = current
        signal.signal(sig, _handler)
        installed = True
    return installed


def uninstall() -> None:
    """Give SIGINT and SIGTERM back (a test's Sphinx build ends, pytest goes on)."""
    if threading.current_thread() is not threading.main_thread():
        return
    for sig, previous in list(_previous.items()):
        if signal.getsignal(sig) is _handler:
            signal.signal(sig, previous)
        del _previous[sig]
    _cleanups.clear()


def on_interrupt(cleanup: Callable[[], None], key: object = None) -> None:
    """Also run ``cleanup`` on an interrupt, after every process is stopped (it must be
    quick: the exit is due within 2 s).  One cleanup per ``key``."""
    _cleanups[key if key is not None else cleanup] = cleanup


@contextlib.contextmanager
def deferred() -> Iterator[None]:
    """Finish a short write (a page, a record) before acting on an interrupt, so the file
    is either written whole or untouched, never half."""
    global _deferring
    _deferring += 1
    try:
        yield
    finally:
        _deferring -= 1
        if not _deferring and _deferred:
            _handler(_deferred[0], None)


def _handler(signum: int, frame: Any) -> None:
    global _acting
    # No call between these tests and the assignment: Python runs a pending handler only
    # at a call (or a loop's jump back), so two handlers can never both pass the tests.
    if _acting:
        return  # a second signal while the first is acted on: that one finishes the job
    if _deferring:
        _deferred.append(signum)  # acted on when the write is done (see deferred)
        return
    _acting = signum = _deferred[0] if _deferred else signum  # the first signal that came
    stopped = processes.stop_all()
    if os.getpid() != _installed_in:  # a forked worker of the command: the command speaks
        os._exit(128 + signum)
    for cleanup in list(_cleanups.values()):
        try:
            cleanup()
        except Exception:  # noqa: BLE001 - the exit must happen whatever a cleanup does
            pass
    name = signal.Signals(signum).name + (" (Ctrl-C)" if signum == signal.SIGINT else "")
    message = f"{_command}: interrupted by {name} while {_phase}"
    if stopped:
        shown = ", ".join(stopped[:6]) + (f" and {len(stopped) - 6} more" if len(stopped) > 6 else "")
        message += f"; stopped {len(stopped)} listing run(s): {shown}"
    message += "; nothing of this run was cached or written"
    _flush_briefly()
    with contextlib.suppress(OSError):
        os.write(2, (message + "\n").encode("utf-8", "replace"))
    os._exit(128 + signum)


def _flush_briefly(seconds: float = 0.2) -> None:
    """Flush what the command printed, waiting at most ``seconds``.

    A stream's buffer has a lock.  Held by the interrupted main thread, flushing raises
    (a reentrant call); held by a worker blocked on a full pipe, it would wait forever.
    So the flush runs in a thread of its own (started with ``_thread``: ``threading``
    takes locks of its own to start one), and the handler waits on a lock of its own.
    """
    done = _thread.allocate_lock()
    done.acquire()

    def flush() -> None:
        try:
            for stream in (sys.stdout, sys.stderr):
                with contextlib.suppress(Exception):
                    stream.flush()
        finally:
            done.release()

    try:
        _thread.start_new_thread(flush, ())
    except RuntimeError:  # no thread can start (the interpreter is ending): go on unflushed
        return
    done.acquire(timeout=seconds)
