"""Does a run keep a page's promise, under what its block declares?

Everything a block does not declare must be equal, line by line (line endings and
trailing spaces aside).  Each declaration relaxes exactly one thing:

- ``:vary:`` and ``:any:``: values of a kind may differ.  Under ``:vary:`` the same value
  twice on the page must be the same value twice in the run, and different values must
  stay different ("the same object printed twice"); under ``:any:`` each occurrence may
  be any value of its kind ("any worker").
- ``:optional:``: lines matching a pattern may appear any number of times, anywhere or
  at one place of the block.  Lines of the page that match are optional too.
- ``:joined:``: consecutive lines matching a pattern count as one; what their group
  captured, joined, must be equal however many lines it came in (data split by TCP).
- ``:unordered:``: lines of a range, or consecutive lines matching a pattern, may come
  in any order.

The page becomes a sequence of elements (a line, a place for optional lines, a joined
group, an unordered group) and the run's lines are matched against it by a small
backtracking search.  :vary: values are bound page-to-run and run-to-page as the search
goes, so identity holds across the whole transcript, whatever order lines came in.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from ..declaring.normalize import AT_END, KINDS, ANYWHERE, VarySpec, _sort_items, canonical_lines

#: A search that needs more line comparisons than this gives up (and the block fails):
#: real transcripts need a few hundred; only a pathological declaration gets near it
#: (about half a second).
BUDGET = 20_000

Bindings = dict[tuple[int, int, str], str]


@dataclass(frozen=True)
class Span:
    """A declared varying part of one line."""

    start: int
    end: int
    kind: int  # index into Rules.kinds: the first declared kind that matched here
    fits: frozenset[int] = frozenset()  # every declared kind this value is one of (0 is of size and number)


@dataclass(frozen=True)
class Kind:
    name: str  # "float", or the pattern between slashes
    regex: str
    identity: bool  # declared in :vary: (True) or :any: (False)


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


class _GiveUp(Exception):
    pass


@dataclass
class _State:
    """One search: the budget left, and where it already failed (without :vary:
    bindings, failing from the same element and run line fails again)."""

    left: int = BUDGET
    failed: set[tuple[int, int]] = field(default_factory=set)

    def spend(self) -> None:
        self.left -= 1
        if self.left < 0:
            raise _GiveUp


class Rules:
    """A block's declarations, compiled once."""

    def __init__(self, vary: VarySpec) -> None:
        self.vary = vary
        declared = [(k, True) for k in vary.kinds] + [(k, False) for k in vary.any]
        declared = [(k, identity) for k, identity in declared if k != "item-order"]
        # An author's own pattern is more specific than a named kind: it is tried first.
        declared.sort(key=lambda item: not item[0].startswith("/"))
        self.kinds = tuple(
            Kind(k[1:-1] if k.startswith("/") else k, k[1:-1] if k.startswith("/") else KINDS[k], identity)
            for k, identity in declared
        )
        self.identity = any(k.identity for k in self.kinds)
        self.each = tuple(re.compile(k.regex) for k in self.kinds)
        self._spans: dict[str, list[Span]] = {}
        self.pattern = (
            re.compile("|".join(f"(?P<_kind{i}>{k.regex})" for i, k in enumerate(self.kinds))) if self.kinds else None
        )
        self.item_order = "item-order" in vary.kinds or "item-order" in vary.any
        self.anywhere = tuple(re.compile(o.pattern) for o in vary.optional if o.after == ANYWHERE)
        places: dict[int, list[re.Pattern[str]]] = {}
        for o in vary.optional:
            if o.after != ANYWHERE:
                places.setdefault(o.after, []).append(re.compile(o.pattern))
        self.places = {after: tuple(patterns) for after, patterns in places.items()}
        self.joined = tuple(re.compile(p) for p in vary.joined)
        self.shuffled = tuple(re.compile(p) for p in vary.shuffled)

    # -- one line ---------------------------------------------------------------

    def prepare(self, line: str) -> str:
        """The line as compared (items of literals sorted when item-order is declared)."""
        return _sort_items(line) if self.item_order else line

    def spans(self, line: str) -> list[Span]:
        """The declared varying parts of a (prepared) line (remembered: a search compares
        the same lines many times)."""
        if self.pattern is None:
            return []
        known = self._spans.get(line)
        if known is not None:
            return known
        if len(self._spans) > 50_000:
            self._spans.clear()
        found: list[Span] = []
        for m in self.pattern.finditer(line):
            if m.end() > m.start():
                name = next(n for n, v in m.groupdict().items() if v is not None and n.startswith("_kind"))
                fits = frozenset(
                    i for i, kind in enumerate(self.each) if (k := kind.match(line, m.start())) and k.end() == m.end()
                )
                found.append(Span(m.start(), m.end(), int(name[len("_kind"):]), fits))
        self._spans[line] = found
        return found

    def label(self, span: Span) -> str:
        """What a varying part stands for when lines are lined up: its kind, except that
        values that may be anything look alike (``0`` and ``20K`` under ``:any: number, size``)."""
        return str(span.kind) if any(self.kinds[k].identity for k in span.fits) else "any"

    def key(self, line: str) -> str:
        """The line with each varying part replaced by its kind: equal keys mean the lines
        match on their own (identity aside)."""
        line = self.prepare(line)
        out, pos = [], 0
        for span in self.spans(line):
            out += [_padding(line[pos : span.start], pos > 0, True), f"\0{self.label(span)}\0"]
            pos = span.end
        return "".join(out) + _padding(line[pos:], pos > 0, False)

    def line(self, page: str, run: str, bound: Bindings) -> Bindings | None:
        """The bindings extended by this pair of lines, or None if they do not match."""
        if self.pattern is None and not self.item_order:
            return bound if page == run else None
        page, run = self.prepare(page), self.prepare(run)
        if not self.identity and page == run:
            return bound
        pspans, rspans = self.spans(page), self.spans(run)
        if len(pspans) != len(rspans):
            return None
        ppos = rpos = 0
        added: Bindings = {}
        for p, r in zip(pspans, rspans, strict=True):
            # the values must be of one kind: the page's, else another both are of
            common = p.fits & r.fits
            if not common or _padding(page[ppos : p.start], ppos > 0, True) != _padding(
                run[rpos : r.start], rpos > 0, True
            ):
                return None
            kind = p.kind if p.kind in common else min(common)
            if self.kinds[kind].identity:
                pv, rv = page[p.start : p.end], run[r.start : r.end]
                if not self.bindable(kind, pv, rv, bound, added):
                    return None
                added[(kind, 0, pv)], added[(kind, 1, rv)] = rv, pv
            ppos, rpos = p.end, r.end
        if _padding(page[ppos:], ppos > 0, False) != _padding(run[rpos:], rpos > 0, False):
            return None
        return {**bound, **added} if added else bound

    @staticmethod
    def bindable(kind: int, page_value: str, run_value: str, *bindings: Bindings) -> bool:
        """Whether a :vary: value of the page may stand for this value of the run: each
        page value stands for one run value, and each run value for one page value."""
        for key, value in (((kind, 0, page_value), run_value), ((kind, 1, run_value), page_value)):
            if any(b.get(key, value) != value for b in bindings):
                return False
        return True

    # -- whole transcripts -------------------------------------------------------

    def optional_anywhere(self, line: str) -> bool:
        return any(p.fullmatch(line) for p in self.anywhere)

    def joined_pattern(self, line: str) -> re.Pattern[str] | None:
        return next((p for p in self.joined if p.fullmatch(line)), None)

    @staticmethod
    def joined_part(pattern: re.Pattern[str], line: str) -> str:
        m = pattern.fullmatch(line)
        assert m is not None
        return m.group(1) if pattern.groups else m.group(0)

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
                elements.append(Joined(joined, "".join(self.joined_part(joined, lines[k]) for k in group)))
            place_after(group[-1] + 1)
            i = group[-1] + 1
        if AT_END in self.places:
            elements.append(Place(self.places[AT_END]))
        return elements

    def _items(self, lines: list[str]) -> tuple[Line | Joined, ...]:
        """The lines of an unordered range as items: a joined group stays one item."""
        items: list[Line | Joined] = []
        last: re.Pattern[str] | None = None
        for line in lines:
            pattern = self.joined_pattern(line)
            if pattern is not None and pattern is last and isinstance(items[-1], Joined):
                items[-1] = Joined(pattern, items[-1].content + self.joined_part(pattern, line))
            elif pattern is not None:
                items.append(Joined(pattern, self.joined_part(pattern, line)))
            else:
                items.append(Line(line))
            last = pattern
        return tuple(items)

    def matches(self, expected: str, actual: str) -> bool:
        """Whether the run ``actual`` keeps the promise of the page text ``expected``."""
        page, run = canonical_lines(expected), canonical_lines(actual)
        if not self.vary.declared and not self.item_order:
            return page == run
        elements = self.elements(page)
        run = [line for line in run if not self.optional_anywhere(line)]
        try:
            return self._search(elements, run, 0, 0, {}, _State())
        except _GiveUp:
            return False

    def _search(self, elements: list[Element], run: list[str], ei: int, ri: int, bound: Bindings, state: _State) -> bool:
        if self.identity:
            return self._walk(elements, run, ei, ri, bound, state)
        if (ei, ri) in state.failed:
            return False
        if self._walk(elements, run, ei, ri, bound, state):
            return True
        state.failed.add((ei, ri))
        return False

    def _walk(self, elements: list[Element], run: list[str], ei: int, ri: int, bound: Bindings, state: _State) -> bool:
        while ei < len(elements):
            element = elements[ei]
            state.spend()
            if isinstance(element, Line):
                if ri >= len(run):
                    return False
                extended = self.line(element.text, run[ri], bound)
                if extended is None:
                    return False
                bound, ei, ri = extended, ei + 1, ri + 1
            elif isinstance(element, Place):
                count = 0
                while ri + count < len(run) and any(p.fullmatch(run[ri + count]) for p in element.patterns):
                    count += 1
                return any(self._search(elements, run, ei + 1, ri + take, bound, state) for take in range(count, -1, -1))
            elif isinstance(element, Joined):
                return any(
                    self._search(elements, run, ei + 1, ri + take, extended, state)
                    for take, extended in self._fits(element, run, ri, bound, state)
                )
            else:
                return self._unordered(elements, run, ei, ri, element.items, bound, state)
        return ri == len(run)

    def _fits(self, item: Line | Joined, run: list[str], ri: int, bound: Bindings, state: _State) -> Iterator[tuple[int, Bindings]]:
        """Each way ``item`` matches the run at ``ri``: (lines taken, bindings); a joined
        group takes as many matching lines as it can first."""
        state.spend()
        if isinstance(item, Line):
            extended = self.line(item.text, run[ri], bound) if ri < len(run) else None
            if extended is not None:
                yield 1, extended
            return
        count = 0
        while ri + count < len(run) and item.pattern.fullmatch(run[ri + count]):
            count += 1
        for take in range(count, 0, -1):
            content = "".join(self.joined_part(item.pattern, line) for line in run[ri : ri + take])
            extended = self.line(item.content, content, bound)
            if extended is not None:
                yield take, extended

    def _unordered(
        self, elements: list[Element], run: list[str], ei: int, ri: int,
        items: tuple[Line | Joined, ...], bound: Bindings, state: _State,
    ) -> bool:
        """Match ``items`` in some order from ``ri``, then the elements after ``ei``."""
        if not items:
            return self._search(elements, run, ei + 1, ri, bound, state)
        tried: set[Line | Joined] = set()
        for index, item in enumerate(items):
            if item in tried:
                continue  # the same line twice: trying it once is enough
            tried.add(item)
            rest = items[:index] + items[index + 1 :]
            for take, extended in self._fits(item, run, ri, bound, state):
                if self._unordered(elements, run, ei, ri + take, rest, extended, state):
                    return True
        return False


_LEADING, _TRAILING = re.compile(r"^ +"), re.compile(r" +$")


def _padding(piece: str, after_value: bool, before_value: bool) -> str:
    """Text between varying values, with the spaces that touch a value counted as one:
    a table pads a column to the width of its value (``  0`` against ``20K``).  Spaces
    never appear from nothing: ``a5`` and ``a 5`` still differ."""
    if after_value:
        piece = _LEADING.sub(" ", piece)
    if before_value:
        piece = _TRAILING.sub(" ", piece)
    return piece


@lru_cache(maxsize=256)
def rules(vary: VarySpec) -> Rules:
    """The compiled rules of a declaration (blocks share them)."""
    return Rules(vary)


def matches(expected: str, actual: str, vary: VarySpec) -> bool:
    """Whether the transcript ``actual`` matches the page text ``expected`` under ``vary``."""
    return rules(vary).matches(expected, actual)
