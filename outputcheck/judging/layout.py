"""Step 2 of matching: the page as a sequence of elements to match a run against.

Each line of the page becomes an element: a line to match, a place where optional lines
may appear, a joined group (``:joined:``), or an unordered group (``:unordered:``).
Optional lines of the page itself are left out, so the page's own copies are optional
too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..declaring.joins import joined_content
from ..declaring.normalize import AT_END, ANYWHERE, VarySpec


@dataclass(frozen=True)
class Line:
    text: str


@dataclass(frozen=True)
class Place:
    """Where lines matching ``patterns`` may appear, 0..n of them."""

    patterns: tuple[re.Pattern[str], ...]


@dataclass(frozen=True)
class Joined:
    pattern: re.Pattern[str]
    content: str


@dataclass(frozen=True)
class Unordered:
    """Items (lines and joined groups) that may come in any order."""

    items: tuple[Line | Joined, ...]


Element = Line | Place | Joined | Unordered


def joined_part(pattern: re.Pattern[str], line: str) -> str:
    """What a line of a joined group adds to the group, on its own."""
    return joined_content(pattern, [line])


class PageLayout:
    """Where a block's declarations let lines appear, come and go, join or move."""

    def __init__(self, vary: VarySpec) -> None:
        self.vary = vary
        self.anywhere = tuple(re.compile(o.pattern) for o in vary.optional if o.after == ANYWHERE)
        places: dict[int, list[re.Pattern[str]]] = {}
        for o in vary.optional:
            if o.after != ANYWHERE:
                places.setdefault(o.after, []).append(re.compile(o.pattern))
        self.places = {after: tuple(patterns) for after, patterns in places.items()}
        self.joined = tuple(re.compile(p) for p in vary.joined)
        self.shuffled = tuple(re.compile(p) for p in vary.shuffled)

    def optional_anywhere(self, line: str) -> bool:
        return any(p.fullmatch(line) for p in self.anywhere)

    def joined_pattern(self, line: str) -> re.Pattern[str] | None:
        return next((p for p in self.joined if p.fullmatch(line)), None)

    joined_part = staticmethod(joined_part)

    def elements(self, lines: list[str]) -> list[Element]:
        """The page as a sequence of elements to match a run against."""
        n = len(lines)
        dropped = [self.optional_anywhere(line) for line in lines]
        ranges = {i: (a, b) for a, b in self.vary.unordered for i in range(a - 1, min(b, n))}
        absorbed: set[int] = set()
        for after, patterns in self.places.items():
            step, i = (-1, n - 1) if after == AT_END else (1, after)
            while 0 <= i < n and i not in ranges and (dropped[i] or any(p.fullmatch(lines[i]) for p in patterns)):
                absorbed.add(i)
                i += step
        skip = [d or i in absorbed for i, d in enumerate(dropped)]
        elements: list[Element] = []

        def place_after(number: int) -> None:
            if number in self.places:
                elements.append(Place(self.places[number]))

        i = 0
        while i < n:
            if i in ranges:
                a, b = ranges[i]
                members = self._items([lines[k] for k in range(i, min(b, n)) if not skip[k]])
                if members:
                    elements.append(Unordered(members))
                place_after(b)  # no place can lie inside a range (declarations checks it)
                i = min(b, n)
                continue
            shuffled = None if skip[i] else next((p for p in self.shuffled if p.fullmatch(lines[i])), None)
            joined = None if skip[i] or shuffled else self.joined_pattern(lines[i])
            if shuffled is None and joined is None:
                if not skip[i]:
                    elements.append(Line(lines[i]))
                place_after(i + 1)
                i += 1
                continue
            # A group: this line and the following ones that match the same pattern,
            # across optional lines, up to a place or a range.
            same: re.Pattern[str] = shuffled or joined  # type: ignore[assignment]
            group = [i]
            j = i + 1
            while j < n and j not in ranges and j not in self.places:
                if not dropped[j]:
                    if j in absorbed or not same.fullmatch(lines[j]):
                        break
                    group.append(j)
                j += 1
            if shuffled is not None:
                elements.append(Unordered(self._items([lines[k] for k in group])))
            else:
                assert joined is not None
                elements.append(Joined(joined, joined_content(joined, [lines[k] for k in group])))
            place_after(group[-1] + 1)
            i = group[-1] + 1
        if AT_END in self.places:
            elements.append(Place(self.places[AT_END]))
        return elements

    def _items(self, lines: list[str]) -> tuple[Line | Joined, ...]:
        """The lines of an unordered range as items: a joined group stays one item."""
        items: list[Line | tuple[re.Pattern[str], list[str]]] = []
        last: re.Pattern[str] | None = None
        for line in lines:
            pattern = self.joined_pattern(line)
            if pattern is not None and pattern is last and isinstance(items[-1], tuple):
                items[-1][1].append(line)
            elif pattern is not None:
                items.append((pattern, [line]))
            else:
                items.append(Line(line))
            last = pattern
        return tuple(Joined(i[0], joined_content(*i)) if isinstance(i, tuple) else i for i in items)
