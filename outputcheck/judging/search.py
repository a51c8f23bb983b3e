"""Step 3 of matching: a run's lines against the page's elements, by backtracking.

The search tries how many lines a place or a joined group takes, and in which order an
unordered group's items come, carrying the :vary: bindings from line to line.  It has a
budget of line comparisons: a pathological declaration gives up (the block fails)
instead of searching for minutes.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from ..declaring.joins import joined_content
from .layout import Element, Joined, Line, Place
from .values import Bindings, LineRules

#: A search that needs more line comparisons than this gives up (and the block fails):
#: real transcripts need a few hundred; only a pathological declaration gets near it
#: (about half a second).
BUDGET = 20_000


class GiveUp(Exception):
    """The search spent its budget."""


@dataclass
class _State:
    """One search: the budget left, and where it already failed (without :vary:
    bindings, failing from the same element and run line fails again)."""

    left: int = BUDGET
    failed: set[tuple[int, int]] = field(default_factory=set)

    def spend(self) -> None:
        self.left -= 1
        if self.left < 0:
            raise GiveUp


class Search:
    """One search of a run (its lines) against the page's elements, lines compared by
    ``lines``; :meth:`run` says whether the run fits, or raises :class:`GiveUp`."""

    def __init__(self, lines: LineRules, elements: list[Element], run: list[str], budget: int = BUDGET) -> None:
        self.lines = lines
        self.elements = elements
        self.run_lines = run
        self.state = _State(left=budget)

    def run(self) -> bool:
        return self._search(0, 0, {})

    def _search(self, ei: int, ri: int, bound: Bindings) -> bool:
        state = self.state
        if self.lines.identity:
            return self._walk(ei, ri, bound)
        if (ei, ri) in state.failed:
            return False
        if self._walk(ei, ri, bound):
            return True
        state.failed.add((ei, ri))
        return False

    def _walk(self, ei: int, ri: int, bound: Bindings) -> bool:
        elements, run = self.elements, self.run_lines
        while ei < len(elements):
            element = elements[ei]
            self.state.spend()
            if isinstance(element, Line):
                if ri >= len(run):
                    return False
                extended = self.lines.line(element.text, run[ri], bound)
                if extended is None:
                    return False
                bound, ei, ri = extended, ei + 1, ri + 1
            elif isinstance(element, Place):
                count = 0
                while ri + count < len(run) and any(p.fullmatch(run[ri + count]) for p in element.patterns):
                    count += 1
                return any(self._search(ei + 1, ri + take, bound) for take in range(count, -1, -1))
            elif isinstance(element, Joined):
                return any(self._search(ei + 1, ri + take, extended) for take, extended in self._fits(element, ri, bound))
            else:
                return self._unordered(ei, ri, element.items, bound)
        return ri == len(run)

    def _fits(self, item: Line | Joined, ri: int, bound: Bindings) -> Iterator[tuple[int, Bindings]]:
        """Each way ``item`` matches the run at ``ri``: (lines taken, bindings); a joined
        group takes as many matching lines as it can first."""
        run = self.run_lines
        self.state.spend()
        if isinstance(item, Line):
            extended = self.lines.line(item.text, run[ri], bound) if ri < len(run) else None
            if extended is not None:
                yield 1, extended
            return
        count = 0
        while ri + count < len(run) and item.pattern.fullmatch(run[ri + count]):
            count += 1
        for take in range(count, 0, -1):
            content = joined_content(item.pattern, run[ri : ri + take])
            extended = self.lines.line(item.content, content, bound)
            if extended is not None:
                yield take, extended

    def _unordered(self, ei: int, ri: int, items: tuple[Line | Joined, ...], bound: Bindings) -> bool:
        """Match ``items`` in some order from ``ri``, then the elements after ``ei``."""
        if not items:
            return self._search(ei + 1, ri, bound)
        tried: set[Line | Joined] = set()
        for index, item in enumerate(items):
            if item in tried:
                continue  # the same line twice: trying it once is enough
            tried.add(item)
            rest = items[:index] + items[index + 1 :]
            for take, extended in self._fits(item, ri, bound):
                if self._unordered(ei, ri + take, rest, extended):
                    return True
        return False
