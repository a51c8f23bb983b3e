"""Step 1 of a proposal: the values of a line, and which of them are volatile.

A *value* is a word with a digit in it (``17409``, ``0.201``, ``ThreadPoolExecutor-0_1``,
``20K``); a value whose count differs between runs is *volatile*.  The other steps
compare lines with their values blanked, and write patterns for values (:func:`general`)
as an author would.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable

_VALUE = re.compile(r"[\w.:-]*\d[\w.:-]*")

#: Where a varying line is noted when the first run does not have it: after every other.
NOT_IN_FIRST_RUN = 1 << 30


def values(line: str) -> list[tuple[int, int, str]]:
    """(start, end, token) of each value of ``line``."""
    found = []
    for m in _VALUE.finditer(line):
        token = m.group(0).rstrip(".:-")
        if re.search(r"\d", token):
            found.append((m.start(), m.start() + len(token), token))
    return found


def volatile(runs: list[list[str]]) -> set[str]:
    """The values that some run shows a different number of times than another."""
    counts = [Counter(token for line in run for _, _, token in values(line)) for run in runs]
    return {t for c in counts for t in c if any(other[t] != c[t] for other in counts)}


def blank(line: str, keep: Callable[[str], bool] = lambda token: False) -> str:
    """The line with values blanked (those ``keep`` says to keep stay) and runs of
    spaces counted as one, so a re-padded table row keeps its shape."""
    out, pos = [], 0
    for start, end, token in values(line):
        out += [line[pos:start], token if keep(token) else "\0"]
        pos = end
    return re.sub(r" +", " ", "".join(out) + line[pos:])


def escape(text: str) -> str:
    """``text`` as a pattern, readable: only what a pattern treats specially is escaped
    (and the slash, which ends a pattern in an option)."""
    return re.sub(r"([.^$*+?{}\[\]\\|()/])", r"\\\1", text)


def general(token: str) -> str:
    """A pattern for values like ``token``."""
    if re.fullmatch(r"0x[0-9a-fA-F]+", token):
        return "0x[0-9a-f]+"
    if re.fullmatch(r"-?\d+\.\d+", token):
        return r"\d+\.\d+"
    return re.sub(r"\\d\+(?:\\d\+)+", r"\\d+", re.sub(r"\d+", r"\\d+", escape(token)))


def common_prefix(lines: list[str]) -> str:
    first, last = min(lines), max(lines)
    size = 0
    while size < min(len(first), len(last)) and first[size] == last[size]:
        size += 1
    return first[:size]


def note(first_run: list[str], line: str, text: str) -> tuple[int, str]:
    """What varied, numbered as in the first run: (its line number, or after every line
    when the first run does not have it; the note)."""
    if line in first_run:
        number = first_run.index(line) + 1
        return number, f"line {number}: {text}"
    return NOT_IN_FIRST_RUN, f"not in the first run, {text}"
