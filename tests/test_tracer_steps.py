"""The tracer's two halves on their own, without a listing: the record and how it is
written (Trace), and how what the loop reports fills it (Recorder)."""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path

from timeline.tracer import Lane, Recorder, Trace


class Clock:
    """A clock that moves only when told, in seconds."""

    def __init__(self, start: float = 100.0) -> None:
        self.t = start

    def __call__(self) -> float:
        return self.t


# -- Trace: the record --------------------------------------------------------------------


def test_times_are_milliseconds_since_the_first_event() -> None:
    clock = Clock()
    trace = Trace(path="unused.json", clock=clock)
    assert trace.ms(None) is None
    start = trace.now()
    clock.t += 0.25
    assert trace.ms(trace.now()) == 250.0
    assert trace.ms(start) == 0.0


def test_events_are_written_in_time_order_and_lanes_in_creation_order() -> None:
    clock = Clock()
    trace = Trace(path="unused.json", clock=clock)
    t0 = trace.now()
    lane = trace.program_lane()
    trace.mark(lane, "print", t0 + 0.002, stream="stdout", text="second")
    trace.span(lane, t0 + 0.001, t0 + 0.003)
    trace.lanes["t1"] = Lane(id="t1", kind="task", label="main()", name="main", created=t0 + 0.001)
    out = trace.to_json()
    assert [e.get("at_ms", e.get("start_ms")) for e in out["events"]] == [1.0, 2.0]
    assert [lane["id"] for lane in out["lanes"]] == ["program", "t1"]
    assert out["end_ms"] == 3.0
    assert out["version"] == 1 and out["error"] is None


def test_write_is_whole_and_never_by_a_forked_child(tmp_path: Path) -> None:
    path = tmp_path / "trace.json"
    trace = Trace(path=str(path))
    trace.program_lane()
    trace.write()
    assert json.loads(path.read_text())["lanes"][0]["id"] == "program"
    assert [p.name for p in tmp_path.iterdir()] == ["trace.json"]  # no temporary file left
    path.unlink()
    Trace(path=str(path), pid=os.getpid() + 1).write()  # as if in a forked child
    assert not path.exists()


# -- Recorder: what the loop reports --------------------------------------------------------


def test_printed_lines_are_timed_by_their_first_fragment() -> None:
    clock = Clock()
    rec = Recorder(path="unused.json", clock=clock)
    rec.now()
    rec.wrote("stdout", "hel")
    clock.t += 0.010
    rec.wrote("stdout", "lo\nwor")
    clock.t += 0.010
    rec.wrote("stdout", "ld")  # never finished: included when the trace is written
    marks = [e for e in rec.to_json()["events"] if e["kind"] == "print"]
    assert [(m["text"], m["at_ms"], m["lane"]) for m in marks] == [("hello", 0.0, "program"), ("world", 10.0, "program")]


async def phase(n: int) -> int:
    return n


def test_a_task_gets_one_lane_named_by_its_coroutine_and_arguments() -> None:
    async def main() -> None:
        rec = Recorder(path="unused.json")
        task = asyncio.ensure_future(phase(2))
        lane = rec.task_lane(task, main=True)
        assert rec.task_lane(task) == lane  # seen once, the same lane after
        assert (rec.lanes[lane].kind, rec.lanes[lane].label) == ("main", "phase(2)")
        await task

    asyncio.run(main())


def test_a_handle_run_is_a_span_on_its_lane_and_a_result_settles_the_task() -> None:
    clock = Clock()

    async def main() -> None:
        rec = Recorder(path="unused.json", clock=clock)
        rec.now()
        task = asyncio.ensure_future(phase(3))
        await task
        # A handle whose callback belongs to the task, as a task's step or wake-up does.
        handle = asyncio.Handle(task.get_name, (), asyncio.get_running_loop())
        token = rec.handle_started(handle)
        assert rec.current == rec.task_lane(task)
        clock.t += 0.005
        rec.handle_finished(handle, token, None)
        lane = rec.lanes[rec.task_lane(task)]
        assert (lane.outcome, lane.outcome_text, lane.done) == ("result", "3", clock.t)
        spans = [e for e in rec.events if e["type"] == "span"]
        assert [(s["lane"], round(s["end"] - s["start"], 3)) for s in spans] == [(lane.id, 0.005)]
        assert rec.current is None  # the lane running before the handle is running again

    asyncio.run(main())


def later(n: int) -> None:
    """A listing's own callback."""


def test_a_cancelled_callback_is_marked_and_never_runs() -> None:
    async def main() -> None:
        rec = Recorder(path="unused.json")
        handle = asyncio.get_running_loop().call_later(10, later, 4)
        rec.callback_lane(handle, later, (4,), "call_later", 10.0)
        handle.cancel()
        rec.handle_cancelled(handle)
        (lane,) = rec.lanes.values()
        assert (lane.kind, lane.label, lane.outcome) == ("callback", "later(4)", "cancelled")
        assert [e["kind"] for e in rec.events] == ["scheduled", "cancelled"]

    asyncio.run(main())
