"""Step 3 of a proposal: pair the lines every run has with the first run's.

Optional lines are left out and a joined group counts as one line (:func:`core_lines`).
The rest is paired (:func:`partners`): same text first, then same text but for volatile
values, then same text but for item order, then the cheapest pairing of lines alike
but for their values.  Pairs out of order make unordered ranges (:func:`out_of_order`);
pairs that differ say how (:func:`how_it_differs`).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ..declaring.joins import joined_content
from ..declaring.normalize import OptionalLine, _sort_items
from .propose_values import blank, common_prefix, escape, values

#: A joined group's text in :func:`core_lines` starts with this.
JOINED = "\0joined\0"

Core = list[tuple[int, int, str]]


def core_lines(run: list[str], optional: list[OptionalLine], joined: list[str]) -> Core:
    """(first line, last line, text) of the lines that are neither optional nor joined
    apart; a joined group is one entry, its text the joined parts."""
    optional_patterns = [re.compile(o.pattern) for o in optional]
    joined_patterns = [re.compile(p) for p in joined]
    core: Core = []
    open_pattern: re.Pattern[str] | None = None
    group: list[str] = []
    for number, line in enumerate(run, start=1):
        if any(p.fullmatch(line) for p in optional_patterns):
            continue
        pattern = next((p for p in joined_patterns if p.fullmatch(line)), None)
        if pattern is not None and pattern is open_pattern:
            first, _, _ = core[-1]
            group.append(line)
            core[-1] = (first, number, JOINED + joined_content(pattern, group))
            continue
        if pattern is not None:
            group = [line]
            core.append((number, number, JOINED + joined_content(pattern, group)))
        else:
            core.append((number, number, line))
        open_pattern = pattern
    return core


def partners(reference: Core, core: Core, volatile: set[str]) -> dict[int, int]:
    """For each line of ``reference`` (the first run), the index of its partner in
    ``core`` (another run with as many lines)."""
    keys: list[Callable[[str], str]] = [
        lambda line: line,
        lambda line: blank(line, keep=lambda token: token not in volatile),
        lambda line: _sort_items(line),
    ]
    partner: dict[int, int] = {}
    for key in keys:
        free = [j for j in range(len(core)) if j not in partner.values()]
        for i, (_, _, text) in enumerate(reference):
            if i in partner:
                continue
            k = key(text)
            j = next((j for j in free if key(core[j][2]) == k), None)
            if j is not None:
                partner[i] = j
                free.remove(j)
    # Lines alike but for their values: the cheapest pairing first, where a
    # changed name or measurement is cheaper than a changed count.
    free = [j for j in range(len(core)) if j not in partner.values()]
    options = sorted(
        (cost(text, core[j][2]), abs(i - j), i, j)
        for i, (_, _, text) in enumerate(reference) if i not in partner
        for j in free if blank(_sort_items(text)) == blank(_sort_items(core[j][2]))
    )
    for _, _, i, j in options:
        if i not in partner and j in free:
            partner[i] = j
            free.remove(j)
    rest_i = [i for i in range(len(reference)) if i not in partner]
    rest_j = [j for j in range(len(core)) if j not in partner.values()]
    partner.update(zip(rest_i, rest_j, strict=True))
    return partner


def out_of_order(reference: Core, partner: dict[int, int]) -> list[tuple[int, int]]:
    """The smallest ranges of the first run (its line numbers) that hold a permutation."""
    ranges = []
    start, reach = 0, -1
    for i in range(len(reference)):
        reach = max(reach, partner[i])
        if reach == i:
            if i > start:
                ranges.append((reference[start][0], reference[i][1]))
            start = i + 1
    return ranges


def merge(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for a, b in sorted(set(ranges)):
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged


def how_it_differs(text: str, others: set[str]) -> str:
    """How a line differs in other runs: its values, or its whole text."""
    ours = [t for _, _, t in values(text)]
    seen: dict[int, set[str]] = {}
    for other in others:
        theirs = [t for _, _, t in values(other)]
        if blank(other) != blank(text) or len(theirs) != len(ours):
            return f"other runs: {sorted(others)[0]!r}" + (", ..." if len(others) > 1 else "")
        for i, (a, b) in enumerate(zip(ours, theirs, strict=True)):
            if a != b:
                seen.setdefault(i, set()).add(b)
    if not seen:
        return "other runs: the same values in another order"
    parts = []
    for i, found in sorted(seen.items()):
        listed = sorted(found)
        parts.append(
            f"{value_kind([ours[i], *listed])} {ours[i]} here, {', '.join(listed[:3])}"
            f"{', ...' if len(listed) > 3 else ''} in other runs"
        )
    return "; ".join(parts)


def value_kind(tokens: list[str]) -> str:
    """What a varying value is, in a word, so that two values of one line are told apart
    in a note (``size 0 here, 20K in other runs; number 0 here, 1 in other runs``)."""
    if all(re.fullmatch(r"0x[0-9a-fA-F]+", t) for t in tokens):
        return "address"
    if all(re.fullmatch(r"-?\d+\.\d+", t) for t in tokens):
        return "decimal"
    if all(re.fullmatch(r"\d+(?:\.\d+)?(?:[KMGTPEZY](?:i?B)?|kB|B)?", t) for t in tokens) and any(
        not t.isdigit() for t in tokens
    ):
        return "size"
    if all(re.fullmatch(r"-?\d+", t) for t in tokens):
        return "number"
    return "value"


_CHEAP = re.compile(r"[A-Za-z_].*\d.*|\d{4,}|-?\d+\.\d+|0x[0-9a-fA-F]+|\d+(?:\.\d+)?[A-Za-z]+")


def cost(ours: str, theirs: str) -> int:
    """How unlike two lines of the same shape are: a changed name, pid, measurement or
    size costs 1, another changed value (a count, an index) 3."""
    pairs = zip(values(_sort_items(ours)), values(_sort_items(theirs)), strict=False)
    return sum(1 if _CHEAP.fullmatch(a) or _CHEAP.fullmatch(b) else 3 for (_, _, a), (_, _, b) in pairs if a != b)


def shape(lines: list[str]) -> str | None:
    """A pattern for lines that share a beginning or an end (``task .* done``), cut at
    word edges; None when they share neither."""
    prefix = common_prefix(lines)
    suffix = common_prefix([line[::-1] for line in lines])[::-1]
    head = re.match(r".*\W", prefix)
    prefix = head.group(0) if head else ""
    tail = re.search(r"\W.*", suffix)
    suffix = tail.group(0) if tail else ""
    if len(prefix.strip()) < 2 and len(suffix.strip()) < 2:
        return None
    return f"{escape(prefix)}.*{escape(suffix)}"
