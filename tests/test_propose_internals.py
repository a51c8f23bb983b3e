"""A proposal made on one Python holds on the others: the parts of asyncio's task and
future reprs that are Python's own (its files' places, its callbacks, the task's
wakeup) are generalized, and the listing's parts stay exact.

The line is debug mode's report of corpus_debug_slow.py's slow step, printed by each
supported Python installed here (pyenv's 3.8 to 3.13; the engine's own is always
there) and compared with the pattern proposed from the engine's own Python's line.
"""

from __future__ import annotations

import re
import sys

import pytest

from corpus_rounds import debug_slow_line
from outputcheck.judging import propose_internals
from outputcheck.judging.propose_lines import line_pattern
from outputcheck.running.interpreters import find

VERSIONS = ("python3.8", "python3.9", "python3.10", "python3.11", "python3.12", "python3.13")


@pytest.fixture(scope="module")
def proposed() -> tuple[str, str]:
    """The engine's own Python's line, and the pattern proposed for it as an optional line."""
    line = debug_slow_line(sys.executable)
    return line, line_pattern([line])


@pytest.mark.parametrize("name", VERSIONS)
def test_the_proposal_holds_on_every_python(name: str, proposed: tuple[str, str]) -> None:
    python = find(name)
    if python is None:
        pytest.skip(f"{name} is not installed here (pyenv install {name.removeprefix('python')})")
    line = debug_slow_line(python)
    print(f"{name}: {line}")
    assert re.fullmatch(proposed[1], line), f"{proposed[1]}\n does not match what {name} printed:\n{line}"


def test_the_listing_parts_stay_exact(proposed: tuple[str, str]) -> None:
    line, pattern = proposed
    assert re.fullmatch(pattern, line)
    for old, new in [("main()", "mian()"), ("corpus_debug_slow.py:18", "corpus_debug_slow.py:19"),
                     ("corpus_debug_slow.py", "corpus_debug_fast.py"), ("Task-1", "Task-2"),
                     ("Task pending", "Task finished"), ("took ", "lasted ")]:
        assert old in line, (old, line)
        assert not re.fullmatch(pattern, line.replace(old, new, 1)), (old, new, pattern)
    assert "python3." not in pattern and "base_events.py" not in pattern, pattern


def test_only_python_s_own_parts_are_generalized() -> None:
    line = ("Executing <Task pending name='fetch' coro=<fetch() running at app.py:7> wait_for=<Future pending "
            "cb=[<TaskWakeupMethWrapper object at 0x7f00ab>()] created at <python>/lib/python3.8/asyncio/x.py:4> "
            "cb=[on_done() at app.py:3, _run_until_complete_cb() at <python>/lib/python3.8/asyncio/y.py:5]> took 0.2 seconds")
    pattern = line_pattern([line])
    assert propose_internals.WAKEUP in pattern
    assert r"on_done\(\) at app\.py:3" in pattern  # the listing's own callback: exact
    assert re.fullmatch(pattern, line.replace("<TaskWakeupMethWrapper object at 0x7f00ab>()", "Task.task_wakeup()"))
    assert not re.fullmatch(pattern, line.replace("on_done() at app.py:3", "on_done() at app.py:4"))
