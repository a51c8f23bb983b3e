"""Parts of a line that belong to the Python running the listing, not to the listing.

Debug mode prints asyncio's reprs of tasks and futures: where Python's own files created
them (``created at <python>/lib/python3.11/asyncio/runners.py:100``) and which of
asyncio's callbacks wait on them (``cb=[_run_until_complete_cb() at <python>/...:180]``,
the task's wakeup).  Those change from one Python to the next: folders and line numbers
move, and 3.8 and 3.9 print a task's wakeup as ``<TaskWakeupMethWrapper object at
0x7f...>()`` where 3.10 and later print ``Task.task_wakeup()``.  A proposal made on one
Python generalizes exactly these parts; the task's name, its coroutine and the
listing's own file and line stay exact.
"""

from __future__ import annotations

import re
from collections.abc import Callable

#: A file of Python's own (any version's folder); the line number is separate.
PLACE = r"<python>\/[\w\/.]+\.py"
#: A task's wakeup callback, as every supported Python prints it.
WAKEUP = r"(?:Task\.task_wakeup\(\)|<TaskWakeupMethWrapper object at 0x[0-9a-f]+>\(\))"

_FOUND = re.compile(
    r"(?P<wakeup>Task\.task_wakeup\(\)|<TaskWakeupMethWrapper object at 0x[0-9a-fA-F]+>\(\))"
    r"|(?P<callback>[\w.]+\(\) at <python>/[\w/.+-]+?\.py:\d+)"  # a callback defined in Python's own files
    r"|(?P<place><python>/[\w/.+-]+?\.py(?::\d+)?)"
)


def _pattern(m: re.Match[str]) -> str:
    if m.lastgroup == "wakeup":
        return WAKEUP
    if m.lastgroup == "callback":
        return rf"[\w.]+\(\) at {PLACE}:\d+"
    return PLACE + (r":\d+" if ":" in m.group(0) else "")


def spans(line: str) -> list[tuple[int, int]]:
    """Where the Python's own parts of ``line`` are."""
    return [m.span() for m in _FOUND.finditer(line)]


def escaped(text: str, escape: Callable[[str], str]) -> str:
    """``text`` as a pattern (``escape`` for the listing's parts), Python's own parts
    generalized."""
    out, pos = [], 0
    for m in _FOUND.finditer(text):
        out += [escape(text[pos : m.start()]), _pattern(m)]
        pos = m.end()
    return "".join(out) + escape(text[pos:])
