"""Step 1 of matching: one line of the page against one line of the run.

The declared kinds (``:vary:``, ``:any:``) are compiled once; a line's varying parts are
its *spans*.  A span is the value only: a pattern with a group (its first named group,
else its first) varies in the group, and the rest of its match is compared as written,
like a lookbehind's context; a pattern without one varies in its whole match.  Two lines
match when everything outside the spans is equal (spaces that pad a value aside) and
each pair of values is of one declared kind.  Under ``:vary:`` a page value stands for
one run value and back, across the whole transcript: those pairs are the *bindings* a
search carries from line to line.  The same spans are what the reader sees marked as
varying (reader/varies.py): a mark covers what the check lets vary, and only that.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..declaring.normalize import KINDS, VarySpec, _sort_items
from ..running.servers import SHOWN_PORT

Bindings = dict[tuple[int, int, str], str]

#: What a named kind leaves exact.  A run prints the port the build gave its server as the
#: port the book shows (10000, running/servers.py), on every run; only the ports a run
#: picks itself (a client's) vary.
_FIXED = {"port": rf"(?!{SHOWN_PORT}(?![\d.]))"}


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


class LineRules:
    """The kinds a block declares, compiled once, and one line against another under them."""

    def __init__(self, vary: VarySpec) -> None:
        self.vary = vary
        declared = [(k, True) for k in vary.kinds] + [(k, False) for k in vary.any]
        declared = [(k, identity) for k, identity in declared if k != "item-order"]
        # An author's own pattern is more specific than a named kind: it is tried first.
        declared.sort(key=lambda item: not item[0].startswith("/"))
        self.kinds = tuple(
            Kind(k[1:-1], k[1:-1], identity) if k.startswith("/") else Kind(k, _FIXED.get(k, "") + KINDS[k], identity)
            for k, identity in declared
        )
        self.identity = any(k.identity for k in self.kinds)
        self.each = tuple(re.compile(k.regex) for k in self.kinds)
        # the group of each pattern that holds its value (None: the whole match)
        self.groups = tuple(min(c.groupindex.values(), default=1) if c.groups else None for c in self.each)
        self._spans: dict[str, list[Span]] = {}
        self.pattern = (
            re.compile("|".join(f"(?P<_kind{i}>{k.regex})" for i, k in enumerate(self.kinds))) if self.kinds else None
        )
        self.item_order = "item-order" in vary.kinds or "item-order" in vary.any

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
                kind = int(name[len("_kind"):])
                found.append(Span(*self._value(kind, line, m), kind, fits))
        self._spans[line] = found
        return found

    def _value(self, kind: int, line: str, m: re.Match[str]) -> tuple[int, int]:
        """Where the value of a match lies: its pattern's group, when that took part inside
        the match (a group in a lookbehind is context, not value)."""
        group = self.groups[kind]
        own = self.each[kind].match(line, m.start()) if group is not None else None
        if own is not None and own.end() == m.end() and m.start() <= own.start(group) < own.end(group) <= m.end():
            return own.span(group)
        return m.start(), m.end()

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
