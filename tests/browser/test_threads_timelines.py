"""10.5.14.1: the timeline of a blocking call beside the timeline of the same work in a thread.

The page's lesson is in the two drawings: while ``time.sleep()`` runs inside a coroutine
no other task runs (the ticker's next tick waits for the blocking call to return), and
with ``asyncio.to_thread()`` the ticker keeps its pace while the thread sleeps. Read from
the drawings' text alternatives (SVG ``<desc>``) of both editions.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from test_reader import lanes, own_lanes, timeline_text

RETURNED = "work: blocks() returned 'result'"


def printed_at(text: str, line: str) -> float:
    """When ``line`` was printed, in ms, as the text alternative says (either edition)."""
    quoted = re.escape(repr(line))
    found = re.findall(quoted + r"(?: at |\()([\d.]+) ms", text)
    assert len(found) == 1, (line, text)
    return float(found[0])


@pytest.mark.parametrize("edition", ["ko", "en"])
def test_blocking_call_stalls_the_loop_and_to_thread_does_not(site: Path, edition: str) -> None:
    blocked = timeline_text(site, edition, "executors", "asyncio_thread_blocking")
    free = timeline_text(site, edition, "executors", "asyncio_thread_to_thread")
    assert set(own_lanes(lanes(blocked, edition))) == set(own_lanes(lanes(free, edition))) == {"main", "ticker", "work"}

    # blocked: tick 1, due 100 ms after tick 0, comes only after blocks() returned (0.5 s)
    ticks = [printed_at(blocked, f"tick {i}") for i in range(3)]
    returned = printed_at(blocked, RETURNED)
    assert ticks[0] < returned <= ticks[1] < ticks[2]
    assert ticks[1] - ticks[0] >= 450

    # in a thread: both later ticks come on time, while blocks() still sleeps
    ticks = [printed_at(free, f"tick {i}") for i in range(3)]
    returned = printed_at(free, RETURNED)
    assert ticks[0] < ticks[1] < ticks[2] < returned
    assert ticks[1] - ticks[0] < 300 and returned - ticks[0] >= 450
    # and the whole run is shorter than the stalled one
    assert own_lanes(lanes(free, edition))["main"]["done"] < own_lanes(lanes(blocked, edition))["main"]["done"]
