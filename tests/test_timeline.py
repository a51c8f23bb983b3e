"""The asyncio timeline: real traced runs of the book's listings, and their drawings.

Every run here is a real subprocess started the way the build starts a listing, once
without the tracer and once with ``PYTHONPATH=timeline/site`` and ``OUTPUTCHECK_TRACE``.
"""

from __future__ import annotations

import glob
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from timeline.draw import LABELS_EN, LABELS_KO, draw, ordered_lanes, started_ms

SNIPPETS = ROOT / "snippets"
SITE = ROOT / "timeline" / "site"
SVG = "{http://www.w3.org/2000/svg}"


def _python(version: str) -> str | None:
    """A working interpreter for ``version`` (``3.12``): this one, pyenv's, or on PATH.

    (A pyenv shim on PATH may exist for a version it cannot run, so each candidate is
    asked for its version.)
    """
    if sys.version_info[:2] == tuple(map(int, version.split("."))):
        return sys.executable
    candidates = sorted(glob.glob(os.path.expanduser(f"~/.pyenv/versions/{version}.*/bin/python3")))
    candidates += [p for p in [shutil.which(f"python{version}")] if p]
    for candidate in candidates:
        try:
            probe = subprocess.run(
                [candidate, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, timeout=30, check=False)
        except OSError:
            continue
        if probe.stdout.strip() == version:
            return candidate
    return None


VERSIONS = ["3.11", "3.12", "3.13"]


def _env(trace: Path | None) -> dict[str, str]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONHASHSEED": "0",
        "PYTHONUNBUFFERED": "1",
        "PYTHONIOENCODING": "utf-8",
        "PYTHONWARNINGS": "error::DeprecationWarning",
    }
    if trace is not None:
        env["PYTHONPATH"] = str(SITE)
        env["OUTPUTCHECK_TRACE"] = str(trace)
    return env


def run(script: str | Path, python: str, trace: Path | None,
        cwd: Path = SNIPPETS) -> tuple[str, int]:
    """Output (stdout and stderr merged, as the build merges them) and exit code."""
    proc = subprocess.run(
        [python, str(script)], cwd=cwd, env=_env(trace), stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True, timeout=60, check=False,
    )
    return proc.stdout, proc.returncode


_RUNS: dict[tuple[str, str], tuple[str, str, dict[str, Any]]] = {}


def traced(name: str, version: str, tmp_dir: Path) -> tuple[str, str, dict[str, Any]]:
    """(untraced output, traced output, trace) of a listing, each run once per session."""
    key = (name, version)
    if key not in _RUNS:
        python = _python(version)
        if python is None:
            pytest.skip(f"python{version} is not installed")
        path = tmp_dir / f"{name}-{version}.json"
        plain, rc1 = run(f"{name}.py", python, None)
        out, rc2 = run(f"{name}.py", python, path)
        assert (rc1, rc2) == (0, 0), out
        _RUNS[key] = (plain, out, json.loads(path.read_text(encoding="utf-8")))
    return _RUNS[key]


@pytest.fixture(scope="module")
def tmp_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("traces")


def lane(trace: dict[str, Any], label: str) -> dict[str, Any]:
    found = [ln for ln in trace["lanes"] if ln["label"] == label]
    assert len(found) == 1, [ln["label"] for ln in trace["lanes"]]
    return found[0]


def marks(trace: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e for e in trace["events"] if e["type"] == "mark" and e["kind"] == kind]


def assert_same_output(name: str, plain: str, out: str, trace: dict[str, Any]) -> None:
    """The traced run printed what the untraced run printed.

    ``asyncio_as_completed``: the three ``in phase`` lines follow the iteration order
    of a set of coroutine objects, i.e. their memory addresses, which any extra
    allocation in the process changes (untraced runs already differ between Python
    versions; the page declares those lines ``:unordered: 4-6``). They must hold the
    same lines, and in the traced run they must come in the order the trace created
    the phase tasks: the drawing agrees with the output of its own run.
    """
    if name != "asyncio_as_completed":
        assert out == plain
        return
    a, b = plain.splitlines(), out.splitlines()
    assert len(a) == len(b)
    assert a[:2] + a[5:] == b[:2] + b[5:]
    assert sorted(a[2:5]) == sorted(b[2:5])
    created = [ln["label"] for ln in trace["lanes"] if ln["name"] == "phase"]
    assert [line.replace("in phase ", "phase(") + ")" for line in b[2:5]] == created


# -- (a), (b): asyncio_gather ---------------------------------------------------------


def test_gather_traced_output_is_unchanged(tmp_dir: Path) -> None:
    plain, out, trace = traced("asyncio_gather", "3.11", tmp_dir)
    assert_same_output("asyncio_gather", plain, out, trace)
    assert "results: ['phase1 result', 'phase2 result']" in out
    assert trace["version"] == 1 and trace["error"] is None


def test_gather_timeline(tmp_dir: Path) -> None:
    _, _, trace = traced("asyncio_gather", "3.11", tmp_dir)
    main, p1, p2 = lane(trace, "main"), lane(trace, "phase1"), lane(trace, "phase2")
    assert main["kind"] == "main" and p1["kind"] == p2["kind"] == "task"
    assert p1["created_by"] == p2["created_by"] == main["id"]
    assert p2["done_ms"] < p1["done_ms"]
    assert 1990 <= p1["done_ms"] - p1["created_ms"] <= 2500
    assert 990 <= p2["done_ms"] - p2["created_ms"] <= 1500
    assert (p1["outcome"], p1["outcome_text"]) == ("result", "'phase1 result'")
    (results,) = [m for m in marks(trace, "print") if m["text"].startswith("results:")]
    assert results["lane"] == main["id"]
    assert results["at_ms"] >= max(p1["done_ms"], p2["done_ms"])
    # phase1 ran twice (start, wake-up after 2 s) and waited in between
    spans = [e for e in trace["events"] if e["type"] == "span" and e["lane"] == p1["id"]]
    assert len(spans) == 2 and spans[1]["start_ms"] - spans[0]["end_ms"] >= 1990


# -- (c): asyncio_as_completed --------------------------------------------------------


def test_as_completed_order(tmp_dir: Path) -> None:
    plain, out, trace = traced("asyncio_as_completed", "3.11", tmp_dir)
    assert_same_output("asyncio_as_completed", plain, out, trace)
    phases = sorted((ln for ln in trace["lanes"] if ln["name"] == "phase"),
                    key=lambda ln: ln["done_ms"])
    assert [ln["label"] for ln in phases] == ["phase(2)", "phase(1)", "phase(0)"]
    answers = [re.search(r"phase (\d)", m["text"]).group(1)  # type: ignore[union-attr]
               for m in marks(trace, "print") if m["text"].startswith("received answer")]
    assert [f"phase({n})" for n in answers] == [ln["label"] for ln in phases]


def test_call_later_callbacks_run_in_order_3_2_1(tmp_dir: Path) -> None:
    plain, out, trace = traced("asyncio_call_later", "3.11", tmp_dir)
    assert out == plain
    labels = {ln["id"]: ln["label"] for ln in trace["lanes"]}
    called = [labels[m["lane"]] for m in marks(trace, "called")]
    assert called == ["callback(3)", "callback(2)", "callback(1)"]
    c1 = lane(trace, "callback(1)")
    assert c1["via"] == "call_later" and 195 <= c1["due_ms"] - c1["created_ms"] <= 205
    assert [m["text"] for m in marks(trace, "print") if m["lane"] == "program"] == [
        "entering event loop", "closing event loop"]


def test_cancel_task2_marks_the_cancellation(tmp_dir: Path) -> None:
    plain, out, trace = traced("asyncio_cancel_task2", "3.11", tmp_dir)
    assert out == plain
    task = lane(trace, "task_func")
    assert task["outcome"] == "cancelled"
    canceller = lane(trace, "task_canceller(t)")
    (cancel,) = [m for m in marks(trace, "cancelled") if m["lane"] == task["id"]]
    assert cancel["at_ms"] >= canceller["done_ms"]


# -- (d): the drawing -----------------------------------------------------------------


def test_svg_is_wellformed_accessible_and_deterministic(tmp_dir: Path) -> None:
    _, _, trace = traced("asyncio_gather", "3.11", tmp_dir)
    drawing = draw(trace, labels=LABELS_EN, title="asyncio_gather.py")
    root = ET.fromstring(drawing.svg)
    # a group (an img could not hold the focusable ticks), named by its title and
    # described by the text alternative
    assert root.tag == f"{SVG}svg" and root.get("role") == "group"
    assert root.get("width") == "100%" and root.get("viewBox")
    title_id, desc_id = root.get("aria-labelledby"), root.get("aria-describedby")
    assert root.find(f"{SVG}title").get("id") == title_id  # type: ignore[union-attr]
    desc = root.find(f"{SVG}desc")
    assert desc is not None and desc.get("id") == desc_id
    assert desc.text == drawing.text
    lane_labels = ["".join(t.itertext()) for t in root.iter(f"{SVG}text")
                   if "tl-lane" in (t.get("class") or "").split()]
    assert lane_labels == [ln["label"] for ln in trace["lanes"]] == ["main", "phase1", "phase2"]
    assert "script" not in drawing.svg
    assert draw(trace, labels=LABELS_EN, title="asyncio_gather.py").svg == drawing.svg
    # the text alternative: one line per lane, in the order drawn
    lines = drawing.text.splitlines()
    assert [line.split(":")[0] for line in lines] == ["main", "phase1", "phase2"]
    assert "result 'phase1 result'" in lines[1]


def test_svg_words_come_from_labels(tmp_dir: Path) -> None:
    _, _, trace = traced("asyncio_cancel_task2", "3.11", tmp_dir)
    en = draw(trace, labels=LABELS_EN, title="t")
    ko = draw(trace, labels=LABELS_KO, title="t")
    ET.fromstring(ko.svg)
    for word in ("running", "waiting", "callback", "cancelled"):
        assert f">{LABELS_EN[word]}</text>" in en.svg
        assert f">{LABELS_KO[word]}</text>" in ko.svg
        assert f">{LABELS_EN[word]}</text>" not in ko.svg
    assert "취소" in ko.text


# -- reading the timeline against the transcript (issue #14) -------------------------


def _ticks(svg: str) -> tuple[ET.Element, list[ET.Element], dict[str, ET.Element]]:
    root = ET.fromstring(svg)
    ticks = [g for g in root.iter(f"{SVG}g") if g.get("class") == "tl-tick"]
    tips = {g.get("id", ""): g for g in root.iter(f"{SVG}g") if g.get("class") == "tl-tip"}
    return root, ticks, tips


def test_printed_ticks_name_their_lines(tmp_dir: Path) -> None:
    """Every printed line has a tick, in the order printed (Tab walks the transcript):
    its <title> is the line (the hover tooltip), it takes focus, a screen reader reads
    lane, line and time, and a box shows the line while the tick has focus."""
    _, out, trace = traced("asyncio_gather", "3.11", tmp_dir)
    drawing = draw(trace, labels=LABELS_EN, title="asyncio_gather.py")
    root, ticks, tips = _ticks(drawing.svg)
    assert [t.findtext(f"{SVG}title") for t in ticks] == out.splitlines()
    labels = {ln["id"]: ln["label"] for ln in trace["lanes"]}
    prints = [e for e in trace["events"] if e["type"] == "mark" and e["kind"] == "print"]
    style = root.findtext(f"{SVG}style") or ""
    for k, (tick, ev) in enumerate(zip(ticks, prints, strict=True), start=1):
        assert tick.get("tabindex") == "0" and tick.get("role") == "img"
        assert tick.get("aria-label") == (
            f"{labels[ev['lane']]} printed {ev['text']!r} at {round(ev['at_ms'])} ms")
        ident = tick.get("id", "").rsplit("-p", 1)[0]
        assert tick.get("id") == f"{ident}-p{k}"
        tip = tips[f"{ident}-t{k}"]
        assert tip.get("aria-hidden") == "true"
        assert "".join(tip.find(f"{SVG}text").itertext()) == ev["text"]  # type: ignore[union-attr]
        assert f"#{ident}-p{k}:focus~#{ident}-t{k}" in style
    assert ".tl-tip{visibility:hidden}" in style
    assert ".tl-tick:focus .tl-ring{stroke:" in style  # where focus is
    # the picture is hidden from a screen reader, which reads the ticks and the text
    hidden = [g for g in root if g.get("aria-hidden") == "true"]
    assert len(hidden) == 1 and not any(g.get("class") == "tl-tick" for g in hidden[0].iter())
    assert "'done with phase2' at" in drawing.text and "script" not in drawing.svg


def test_printed_ticks_in_korean(tmp_dir: Path) -> None:
    _, out, trace = traced("asyncio_cancel_task2", "3.11", tmp_dir)
    ko = draw(trace, labels=LABELS_KO, title="t")
    _, ticks, _ = _ticks(ko.svg)
    assert [t.findtext(f"{SVG}title") for t in ticks] == out.splitlines()
    first = ticks[0].get("aria-label", "")
    assert first.startswith("main(loop): ") and first.endswith(" 'creating task' 출력"), first


def _trace(lanes: list[dict[str, Any]], events: list[dict[str, Any]]) -> dict[str, Any]:
    full = [{"kind": "task", "name": ln["label"], "outcome": "result", "outcome_text": "None",
             "done_ms": 10.0, **ln} for ln in lanes]
    return {"version": 1, "end_ms": 10.0, "error": None, "lanes": full, "events": events}


def test_long_and_odd_lines_stay_inside_and_escaped() -> None:
    line = 'a <b> & "c" ' + "x" * 300
    trace = _trace(
        [{"id": "t1", "label": "main", "created_ms": 0.0}],
        [{"type": "span", "lane": "t1", "kind": "running", "start_ms": 0.0, "end_ms": 9.9},
         {"type": "mark", "lane": "t1", "kind": "print", "at_ms": 9.9, "stream": "stdout",
          "text": line}],
    )
    drawing = draw(trace, labels=LABELS_EN, title="t")
    root, (tick,), tips = _ticks(drawing.svg)
    assert tick.findtext(f"{SVG}title") == line and repr(line) in tick.get("aria-label", "")
    (tip,) = tips.values()
    box = tip.find(f"{SVG}rect")
    shown = "".join(tip.find(f"{SVG}text").itertext())  # type: ignore[union-attr]
    assert shown.endswith("…") and line.startswith(shown[:-1])
    width = float(root.get("viewBox", "").split()[2])
    assert 0 <= float(box.get("x")) and float(box.get("x")) + float(box.get("width")) <= width  # type: ignore[arg-type, union-attr]


def test_lanes_in_the_order_they_started(tmp_dir: Path) -> None:
    """asyncio_lock: unlock() is scheduled second but runs last (after 0.1 s), so its
    lane is drawn last; the text alternative follows the same order."""
    _, _, trace = traced("asyncio_lock", "3.11", tmp_dir)
    created = [ln["label"] for ln in trace["lanes"]]
    assert created.index("unlock(lock)") < created.index("coro1(lock)")  # the trace: creation
    first_run = {}
    for ev in trace["events"]:
        if ev["type"] == "span":
            first_run.setdefault(ev["lane"], ev["start_ms"])
    by_start = [ln["label"] for ln in sorted(trace["lanes"], key=lambda ln: first_run[ln["id"]])]
    assert by_start == ["main(loop)", "coro1(lock)", "coro2(lock)", "unlock(lock)"]
    drawing = draw(trace, labels=LABELS_EN, title="asyncio_lock.py")
    drawn = ["".join(t.itertext()) for t in ET.fromstring(drawing.svg).iter(f"{SVG}text")
             if "tl-lane" in (t.get("class") or "").split()]
    assert drawn == by_start
    assert [line.split(":")[0] for line in drawing.text.splitlines()] == by_start


def test_callbacks_drawn_in_the_order_called(tmp_dir: Path) -> None:
    """asyncio_call_later: callbacks 1, 2, 3 are scheduled in that order and run 3, 2,
    1; the program (the code around the loop) comes first."""
    _, _, trace = traced("asyncio_call_later", "3.11", tmp_dir)
    events: dict[str, list[dict[str, Any]]] = {}
    for ev in trace["events"]:
        events.setdefault(ev["lane"], []).append(ev)
    lanes = ordered_lanes(trace)
    starts = [started_ms(ln, events.get(ln["id"], [])) for ln in lanes]
    assert starts == sorted(starts)
    assert [ln["label"] for ln in lanes] == [
        "<program>", "main(loop)", "callback(3)", "callback(2)", "callback(1)"]


def test_a_lane_that_never_ran_keeps_its_creation_time() -> None:
    trace = _trace(
        [{"id": "t1", "label": "main", "created_ms": 0.0},
         {"id": "t2", "label": "late", "created_ms": 1.0},
         {"id": "t3", "label": "never", "created_ms": 2.0, "outcome": "cancelled"}],
        [{"type": "span", "lane": "t1", "kind": "running", "start_ms": 0.0, "end_ms": 1.0},
         {"type": "span", "lane": "t2", "kind": "running", "start_ms": 5.0, "end_ms": 6.0}],
    )
    assert [ln["label"] for ln in ordered_lanes(trace)] == ["main", "never", "late"]


# -- (e): the same on every installed Python ------------------------------------------


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("name", ["asyncio_gather", "asyncio_as_completed"])
def test_traced_output_is_unchanged_on(name: str, version: str, tmp_dir: Path) -> None:
    plain, out, trace = traced(name, version, tmp_dir)
    assert_same_output(name, plain, out, trace)
    assert trace["python"].startswith(version + ".") and trace["error"] is None
    assert any(ln["kind"] == "main" for ln in trace["lanes"])


# -- what a listing might print that the tracer could disturb ------------------------

FIDELITY = textwrap.dedent('''\
    import asyncio, sys

    def broken(n):
        raise ValueError(f"callback {n} failed")

    async def boom():
        raise KeyError("never retrieved")

    async def main(loop):
        task = loop.create_task(asyncio.sleep(0, "done"))
        print(task)
        print(await task, loop)
        loop.call_soon(broken, 1)
        loop.call_later(0.01, broken, 2)
        handle = loop.call_later(0.02, print, "never")
        handle.cancel()
        print(repr(handle).split(" when=")[0])
        loop.create_task(boom())
        await asyncio.sleep(0.05)
        sys.stderr.write("to stderr\\n")
        print("no newline at the end", end="")

    loop = asyncio.new_event_loop()
    loop.run_until_complete(main(loop))
    loop.close()
    ''')


@pytest.mark.parametrize("version", VERSIONS)
def test_reprs_and_logged_tracebacks_are_unchanged(version: str, tmp_path: Path) -> None:
    """Task and loop reprs, handle reprs, tracebacks asyncio logs: all as without tracer.

    (On 3.13.0 a task factory would rename tasks 'None'; a wrapped callback would add a
    frame to the logged traceback.)
    """
    python = _python(version)
    if python is None:
        pytest.skip(f"python{version} is not installed")
    script = tmp_path / "fidelity.py"
    script.write_text(FIDELITY, encoding="utf-8")
    when = re.compile(r"when=[0-9.]+")  # the loop's clock, different in every run
    plain = when.sub("when=T", run(script, python, None, cwd=tmp_path)[0])
    out = when.sub("when=T", run(script, python, tmp_path / "t.json", cwd=tmp_path)[0])
    assert "Task-2" in plain and "Exception in callback broken(" in plain
    assert "Task exception was never retrieved" in plain
    assert out == plain
    trace = json.loads((tmp_path / "t.json").read_text(encoding="utf-8"))
    broken = [ln for ln in trace["lanes"] if ln["name"] == "broken"]
    assert [ln["outcome"] for ln in broken] == ["result", "result"]  # asyncio caught it
    assert lane(trace, "boom")["outcome"] == "exception"
    assert lane(trace, "print('never')")["outcome"] == "cancelled"
    texts = [m["text"] for m in marks(trace, "print")]
    assert "to stderr" in texts and texts[-1] == "no newline at the end"


def test_site_folder_without_trace_variable_changes_nothing(tmp_path: Path) -> None:
    env = _env(None) | {"PYTHONPATH": str(SITE)}
    proc = subprocess.run([sys.executable, "asyncio_gather.py"], cwd=SNIPPETS, env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=False)
    plain, _ = run("asyncio_gather.py", sys.executable, None)
    assert proc.stdout == plain
    check = subprocess.run(
        [sys.executable, "-c", "import sys, asyncio; print(type(sys.stdout).__name__, "
         "type(asyncio.get_event_loop_policy()).__module__, "
         "'_outputcheck_timeline_tracer' in sys.modules)"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=False)
    assert check.stdout.split() == ["TextIOWrapper", "asyncio.unix_events", "False"]
