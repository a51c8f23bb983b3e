"""A second signal at every line of an interrupt handler (run by tests/test_interrupts_reentry.py).

    python tests/reentry_probe.py outputcheck FIRST SECOND [deferred]
    python tests/reentry_probe.py bench FIRST SECOND [async]

A signal's Python handler runs on the main thread, between two lines of whatever that
thread was doing, and that includes the handler itself: Ctrl-C pressed twice, or make
passing on the SIGTERM its process group got, runs the handler again in the middle of
the first call.  Where that is depends on timing, so a test that only sends two signals
a few milliseconds apart lands at one moment or another.  This probe lands at each one:
for the N-th line the handler's code runs (the handler and everything it calls in the
same files, apart from the loops that read ``/proc``), a forked copy of this process
takes the FIRST signal and, just before that line runs, the SECOND, raised from a trace
function.  The forked process is real: real handlers, real signals, its own exit.

For each N it prints one JSON line: where the second signal landed, the exit status,
what the process wrote to stderr, and how long it took, or ``"hung": true`` if it did
not end within :data:`PATIENCE` seconds (it is then killed).  It stops at the first N
the handler never reaches.
"""

from __future__ import annotations

import json
import os
import select
import signal
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

#: Seconds a copy may take; the promise is 2 s, and the probe's copies run one at a time.
PATIENCE = 8.0
#: The handlers (outputcheck's, bench's): positions are the lines run while one is on the stack.
HANDLERS = {"_handler", "handler"}
#: Functions whose lines are not positions: they only read /proc, one line per process.
READ_PROC = {"_processes", "family", "marked", "session_members", "ancestors", "tree",
             "<listcomp>", "<genexpr>", "<setcomp>", "<dictcomp>"}


def tracer_for(files: set[str], at: int, second: int):
    """A trace function that raises ``second`` before the ``at``-th line run inside the
    handler (a function named in :data:`HANDLERS`) or what it calls in ``files``."""
    count = 0
    inside = 0

    def trace(frame, event, arg):  # noqa: ANN001, ANN202 - the sys.settrace protocol
        nonlocal count, inside
        code = frame.f_code
        if code.co_filename not in files:
            return None
        if code.co_name in HANDLERS:
            inside += {"call": 1, "return": -1}.get(event, 0)
        elif not inside or code.co_name in READ_PROC:
            return None
        if event == "line" and inside:
            count += 1
            if count == at:
                where = f"{Path(code.co_filename).name}:{frame.f_lineno} {code.co_name}"
                os.write(2, f"probe: second signal at {where}\n".encode())
                signal.raise_signal(second)  # its handler runs here, before this line
        return trace

    return trace


def copy_outputcheck(first: int, second: int, at: int, mode: str) -> None:
    """The child: outputcheck's handler (every command of the book but bench and soak)."""
    from outputcheck.running import interrupts, processes

    interrupts.install("probe")  # in this process: the handler speaks for it
    interrupts.set_phase("probing")
    interrupts.on_interrupt(lambda: None, key="a cleanup")
    sys.settrace(tracer_for({interrupts.__file__, processes.__file__}, at, second))
    if mode == "deferred":  # the first signal comes while a page is written
        with interrupts.deferred():
            signal.raise_signal(first)
            time.sleep(0.01)
    else:
        signal.raise_signal(first)
    time.sleep(PATIENCE)
    os._exit(99)  # the handler never ended the process


def copy_bench(first: int, second: int, at: int, mode: str) -> None:
    """The child: the handler of make bench and make soak, in their command frame."""
    import asyncio

    import common

    children = common.Children()

    def work(tmp: Path) -> int:
        children.start(["sleep", "30"], cwd=tmp)  # something for the handler to stop
        sys.settrace(tracer_for({common.__file__, common.processes.__file__}, at, second))
        if mode == "async":
            async def runs() -> None:
                signal.raise_signal(first)
                await asyncio.sleep(PATIENCE)

            common.run_async(runs())
        else:
            signal.raise_signal(first)
            time.sleep(PATIENCE)
        return 99

    status = common.run_command("probe", children, ["probing"], work)
    sys.settrace(None)
    sys.stderr.flush()
    os._exit(status)


def one(kind: str, first: int, second: int, at: int, mode: str) -> dict[str, object]:
    read, write = os.pipe()
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the copy
        os.close(read)
        os.dup2(write, 2)
        os.setsid()  # a session of its own: its stop_all, and our kill, reach nothing else
        try:
            (copy_outputcheck if kind == "outputcheck" else copy_bench)(first, second, at, mode)
        finally:
            os._exit(98)
    os.close(write)
    err = b""
    hung = False
    deadline = started + PATIENCE
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            hung = True
            break
        ready, _, _ = select.select([read], [], [], remaining)
        if ready:
            chunk = os.read(read, 65536)
            if not chunk:
                break
            err += chunk
    if hung:  # the copy, and what it started in sessions of its own (bench's children)
        from outputcheck.running import processes

        processes.signal_all(sorted(processes.family({pid})), signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    os.close(read)
    took = time.monotonic() - started
    return {
        "at": at,
        "hung": hung,
        "status": os.waitstatus_to_exitcode(status),
        "seconds": round(took, 3),
        "stderr": err.decode("utf-8", "replace").splitlines(),
    }


def main() -> int:
    kind, first, second = sys.argv[1], signal.Signals[sys.argv[2]], signal.Signals[sys.argv[3]]
    mode = sys.argv[4] if len(sys.argv) > 4 else ""
    import common  # noqa: F401 - imported once here, so each forked copy starts at once
    from outputcheck.running import interrupts, processes  # noqa: F401

    at = 1
    while True:
        result = one(kind, first, second, at, mode)
        reached = [line for line in result["stderr"] if line.startswith("probe: second signal at ")]
        result["where"] = reached[0].removeprefix("probe: second signal at ") if reached else None
        print(json.dumps(result), flush=True)
        if not reached and not result["hung"]:
            return 0
        at += 1


if __name__ == "__main__":
    sys.exit(main())
