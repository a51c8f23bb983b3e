"""API names in the book link to the Python documentation from a shipped table, so a
name the table lacks silently stays plain text.  The then-and-now page pairs every
original API with today's form; each API it names must link, on both sides."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from reader.apilinks import target

ROOT = Path(__file__).resolve().parent.parent

#: Inline code on that page that is not linked on purpose: keywords, values, calls with
#: arguments, and short names that are ambiguous in this chapter (``wait()`` is both
#: ``asyncio.wait`` and ``Event.wait``; ``close()`` and ``result()`` belong to several classes).
NOT_APIS = {
    "await", "for", "async for", "None", "wait()", "close()", "result()",
    "task.cancel(msg)", "wait(timeout=…)", "ExceptionGroup",
    "asyncio.run(..., debug=True)", "asyncio.start_server(..., ssl=…)", "create_server(..., ssl=…)",
    "set_debug(True)", "get_running_loop().add_signal_handler()",
}


def table_code_spans() -> list[str]:
    text = (ROOT / "docs" / "today.md").read_text(encoding="utf-8")
    rows = [line for line in text.splitlines() if line.startswith("| ") and "---" not in line]
    spans = []
    for row in rows[1:]:  # the header row names the columns
        # a {ref} role's target is not inline code
        row = re.sub(r"\{ref\}`[^`]*`", "", row)
        spans += re.findall(r"`([^`]+)`", row)
    return spans


def test_every_api_of_the_then_and_now_table_links() -> None:
    spans = table_code_spans()
    assert len(spans) >= 30
    unlinked = sorted({s for s in spans if s not in NOT_APIS and target(s) is None})
    assert unlinked == [], f"not in reader/apilinks.py: {unlinked}"


@pytest.mark.parametrize("name, path", [
    ("asyncio.run()", "library/asyncio-runner.html#asyncio.run"),
    ("asyncio.Runner", "library/asyncio-runner.html#asyncio.Runner"),
    ("asyncio.TaskGroup", "library/asyncio-task.html#asyncio.TaskGroup"),
    ("asyncio.timeout()", "library/asyncio-task.html#asyncio.timeout"),
    ("asyncio.Barrier", "library/asyncio-sync.html#asyncio.Barrier"),
    ("Queue.shutdown()", "library/asyncio-queue.html#asyncio.Queue.shutdown"),
])
def test_today_s_apis_land_on_their_own_entry(name: str, path: str) -> None:
    assert target(name) == path
