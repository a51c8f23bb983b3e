"""A second signal at every moment of the interrupt handler (tests/reentry_probe.py).

Python runs a signal's handler between two lines of the main thread, and that may be
inside the handler itself: Ctrl-C pressed twice, or make passing on the SIGTERM its
process group got.  For every line of the handler (outputcheck's, which every command
of the book but bench and soak installs, and bench's), a real forked process takes the
first signal and, just before that line, the second.  Each must end at once, with the
status and the one message of a single shutdown: the first signal's, unless the second
came before the handler began to act (then the second is simply the first).  A handler
that takes a lock it may already hold hangs here; one that starts a second, nested
shutdown names the second signal from the middle of the first.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROBE = Path(__file__).resolve().parent / "reentry_probe.py"
#: Where each handler has begun to act: a second signal from here on must change nothing.
ACTING = {"outputcheck": "interrupts.py", "bench": "common.py"}


def probe(kind: str, first: signal.Signals, second: signal.Signals, mode: str = "") -> list[dict]:
    done = subprocess.run([sys.executable, str(PROBE), kind, first.name, second.name, *([mode] if mode else [])],
                          capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    return [json.loads(line) for line in done.stdout.splitlines()]


def shutdowns(result: dict) -> list[str]:
    return [line for line in result["stderr"] if "interrupted by" in line]


def check(kind: str, first: signal.Signals, second: signal.Signals, results: list[dict]) -> None:
    positions = [r for r in results if r["where"]]
    assert len(positions) >= 20, f"the probe reached only {len(positions)} lines of the handler"
    assert any(ACTING[kind] not in r["where"] for r in positions), "the probe never reached past the handler's own file"
    hung = [r["where"] for r in results if r["hung"]]
    assert not hung, f"a second signal at these lines hung the command: {hung}"
    named: list[signal.Signals] = []
    for r in results:
        lines = shutdowns(r)
        assert len(lines) == 1, f"second signal at {r['where']}: {len(lines)} shutdown messages: {r['stderr']}"
        sig = next(s for s in (first, second) if f"interrupted by {s.name}" in lines[0])
        assert r["status"] == 128 + sig, (r["where"], r["status"], lines)
        assert r["seconds"] < 2.0, f"second signal at {r['where']}: ended after {r['seconds']} s"
        named.append(sig)
    if first != second:
        # The second signal is acted on only where it came before the first was (a few
        # lines at the top of the handler); from the first call on, the first one stops all.
        switched = named.index(first)
        assert all(s == first for s in named[switched:]), [
            (r["where"], s.name) for r, s in zip(results, named) if s != first
        ]
        early = [r["where"] for r in results[:switched]]
        assert all(w.split()[-1] in ("_handler", "handler") for w in early), early


ORDERS = [(signal.SIGINT, signal.SIGTERM), (signal.SIGTERM, signal.SIGINT), (signal.SIGTERM, signal.SIGTERM),
          (signal.SIGINT, signal.SIGINT)]


@pytest.mark.parametrize("first, second", ORDERS, ids=lambda s: s.name)
def test_a_second_signal_anywhere_in_outputchecks_handler(first: signal.Signals, second: signal.Signals) -> None:
    check("outputcheck", first, second, probe("outputcheck", first, second))


def test_a_second_signal_while_an_interrupt_waits_for_a_page_to_be_written() -> None:
    results = probe("outputcheck", signal.SIGTERM, signal.SIGINT, "deferred")
    check("outputcheck", signal.SIGTERM, signal.SIGINT, results)


@pytest.mark.parametrize("first, second, mode", [(signal.SIGTERM, signal.SIGINT, ""),
                                                 (signal.SIGINT, signal.SIGTERM, "async")],
                         ids=["TERM-INT-blocking", "INT-TERM-listings"])
def test_a_second_signal_anywhere_in_the_handler_of_bench_and_soak(first: signal.Signals, second: signal.Signals,
                                                                   mode: str) -> None:
    check("bench", first, second, probe("bench", first, second, mode))
