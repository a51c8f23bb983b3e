"""Show how a run differs from its page, in the page's own words.

A diff of canonical forms (``took <float-1>`` against ``took <float-2>``) tells an author
little; a diff of raw text marks every declared value as a change.  This one prints the
page's lines and the run's lines as they are, aligned on what the block declares (so a
line that only differs where it may vary counts as the same line, optional lines are
neither missing nor extra, a joined group is one unit, and lines moved inside an
unordered range are not changes), and marks under each changed run line what differs
(``^``) and what may vary anyway (``~``)::

    --- expected (docs/page.md:14)
    +++ actual (python3 demo.py)
    (^ differs, ~ may vary as declared; lines starting with ~ are optional)
     $ python3 demo.py
    -took 0.50 s for 3 items
    +took 0.61 s for 4 items
          ~~~~       ^
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from ..declaring.joins import joined_content
from .matching import Rules, Span, rules
from ..declaring.normalize import VarySpec, canonical_lines

CONTEXT = 3
LEGEND = "(^ differs, ~ may vary as declared; lines starting with ~ are optional)"


@dataclass
class Unit:
    """One line, one joined group or one optional line of one side."""

    lines: list[str]
    number: int  # 1-based line number of its first line
    key: str | None  # None: an optional line
    joined: bool = False
    unordered: bool = False


def _units(lines: list[str], r: Rules, ranges: Sequence[tuple[int, int]] = ()) -> list[Unit]:
    patterns = [*r.anywhere, *(p for ps in r.places.values() for p in ps)]
    units: list[Unit] = []
    for number, line in enumerate(lines, start=1):
        if any(p.fullmatch(line) for p in patterns):
            units.append(Unit([line], number, None))
            continue
        pattern = r.joined_pattern(line)
        if pattern is not None:
            last = units[-1] if units else None
            if last and last.joined and last.key and last.key.startswith(f"{pattern.pattern}\0"):
                last.lines.append(line)
                content = joined_content(pattern, last.lines)
                last.key = f"{pattern.pattern}\0{r.key(content)}"
                continue
            units.append(Unit([line], number, f"{pattern.pattern}\0{r.key(r.joined_part(pattern, line))}", True))
            continue
        in_range = any(a <= number <= b for a, b in ranges) or any(p.fullmatch(line) for p in r.shuffled)
        units.append(Unit([line], number, r.key(line), unordered=in_range))
    return units


def _width(char: str) -> int:
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def _atoms(line: str, spans: list[Span], r: Rules) -> list[tuple[object, int, int]]:
    """The line as comparable atoms (a character, or a whole varying part) with positions."""
    atoms: list[tuple[object, int, int]] = []
    pos = 0
    for span in spans:
        atoms += [(c, i, i + 1) for i, c in enumerate(line[pos : span.start], start=pos)]
        atoms.append((("span", r.label(span)), span.start, span.end))
        pos = span.end
    atoms += [(c, i, i + 1) for i, c in enumerate(line[pos:], start=pos)]
    return atoms


def markers(page: str, run: str, r: Rules, conflicts: set[int] = frozenset()) -> str:
    """A line of marks under ``run``: ``^`` where it differs from ``page``, ``~`` under
    the parts that may vary; ``conflicts`` are varying parts (by position) that break
    identity."""
    marks = [" "] * (len(run) + 1)
    patoms, ratoms = _atoms(page, r.spans(page), r), _atoms(run, r.spans(run), r)
    matcher = difflib.SequenceMatcher(None, [a[0] for a in patoms], [a[0] for a in ratoms], autojunk=False)
    for tag, _, _, j1, j2 in matcher.get_opcodes():
        for atom, start, end in ratoms[j1:j2]:
            mark = "~" if tag == "equal" and isinstance(atom, tuple) and start not in conflicts else None
            if tag != "equal" or start in conflicts:
                mark = "^"
            if mark:
                marks[start:end] = [mark] * (end - start)
        if tag == "delete":
            where = ratoms[j1][1] if j1 < len(ratoms) else len(run)
            marks[where] = "^"
    widths = [_width(c) for c in run] + [1]
    return "".join(m * w for m, w in zip(marks, widths, strict=True)).rstrip()


def _identity_conflicts(page: str, run: str, r: Rules, bound: dict) -> tuple[dict, set[int]]:
    """Bindings after this pair of equal-keyed lines, and the run positions of the
    :vary: values that break identity (the same page value bound to two run values)."""
    extended = r.line(page, run, bound)
    if extended is not None:
        return extended, set()
    conflicts: set[int] = set()
    pp, rr = r.prepare(page), r.prepare(run)
    running = bound
    for p, q in zip(r.spans(pp), r.spans(rr), strict=False):
        pv, rv = pp[p.start : p.end], rr[q.start : q.end]
        if r.kinds[p.kind].identity:
            if r.bindable(p.kind, pv, rv, running):
                running = {**running, (p.kind, 0, pv): rv, (p.kind, 1, rv): pv}
            else:
                conflicts.add(q.start)
    return bound, conflicts


def render(expected: str, actual: str, vary: VarySpec, expected_label: str, actual_label: str) -> str:
    """The page's lines against the run's, aligned under ``vary``, differences marked."""
    r = rules(vary)
    page_units = _units(canonical_lines(expected), r, vary.unordered)
    run_units = _units(canonical_lines(actual), r)
    pcore = [u for u in page_units if u.key is not None]
    rcore = [u for u in run_units if u.key is not None]
    opcodes = difflib.SequenceMatcher(
        None, [u.key for u in pcore], [u.key for u in rcore], autojunk=False
    ).get_opcodes()

    # Lines moved within an unordered range are not changes: pair them up.
    removed = [u for tag, i1, i2, _, _ in opcodes if tag in ("delete", "replace") for u in pcore[i1:i2] if u.unordered]
    added = [u for tag, _, _, j1, j2 in opcodes if tag in ("insert", "replace") for u in rcore[j1:j2]]
    moved_page: set[int] = set()
    moved_run: set[int] = set()
    for u in removed:
        partner = next((a for a in added if id(a) not in moved_run and a.key == u.key), None)
        if partner is not None:
            moved_page.add(id(u))
            moved_run.add(id(partner))

    rows: list[tuple[str, str]] = []  # (tag, text); tag " ", "-", "+", "~", or "^" (marks)
    pnext = rnext = 0  # next unprinted unit of each side

    def flush_optional(pstop: Unit | None, rstop: Unit | None) -> None:
        nonlocal pnext, rnext
        while pnext < len(page_units) and page_units[pnext] is not pstop and page_units[pnext].key is None:
            rows.append(("~", page_units[pnext].lines[0]))
            pnext += 1
        while rnext < len(run_units) and run_units[rnext] is not rstop and run_units[rnext].key is None:
            rows.append(("~", run_units[rnext].lines[0]))
            rnext += 1

    def advance(side: list[Unit], unit: Unit, current: int) -> int:
        return side.index(unit, current) + 1

    bound: dict = {}
    for tag, i1, i2, j1, j2 in opcodes:
        pslice, rslice = pcore[i1:i2], rcore[j1:j2]
        if tag == "equal":
            for p, q in zip(pslice, rslice, strict=True):
                flush_optional(p, q)
                pnext, rnext = advance(page_units, p, pnext), advance(run_units, q, rnext)
                if p.joined:
                    pair = ("".join(p.lines), "".join(q.lines))
                else:
                    pair = (p.lines[0], q.lines[0])
                bound, conflicts = _identity_conflicts(*pair, r, bound)
                if not conflicts:
                    rows += [(" ", line) for line in p.lines]
                elif p.joined:
                    rows += [("-", line) for line in p.lines] + [("+", line) for line in q.lines]
                else:
                    rows += [("-", p.lines[0]), ("+", q.lines[0]), ("^", markers(*pair, r, conflicts))]
            continue
        pchanged = [u for u in pslice if id(u) not in moved_page]
        rchanged = [u for u in rslice if id(u) not in moved_run]
        paired = len(pchanged) == len(rchanged) and not any(u.joined for u in pchanged + rchanged)
        for u in pslice:
            flush_optional(u, None)
            pnext = advance(page_units, u, pnext)
            if id(u) in moved_page:
                rows += [(" ", line) for line in u.lines]
            elif not paired:
                rows += [("-", line) for line in u.lines]
        if paired:
            for p, q in zip(pchanged, rchanged, strict=True):
                rows += [("-", p.lines[0]), ("+", q.lines[0]), ("^", markers(p.lines[0], q.lines[0], r))]
        for u in rslice:
            flush_optional(None, u)
            rnext = advance(run_units, u, rnext)
            if id(u) not in moved_run and not paired:
                rows += [("+", line) for line in u.lines]
    flush_optional(None, None)

    header = [f"--- {expected_label}", f"+++ {actual_label}"]
    marked = any(tag in "-+" for tag, _ in rows)
    if not marked:
        return "\n".join(
            header
            + [
                "(no line differs on its own: where optional lines stand, or the order of lines, does;"
                " or the declarations allow too many pairings of lines to try: narrow the unordered lines)"
            ]
            + [f"{tag}{text}".rstrip() for tag, text in rows]
        )
    if any(tag in "^~" and text.strip() for tag, text in rows):
        header.append(LEGEND)
    return "\n".join(header + _trim(rows))


def _trim(rows: list[tuple[str, str]]) -> list[str]:
    """Rows near a change, the rest summarized (like a unified diff's context)."""
    changes = [i for i, (tag, _) in enumerate(rows) if tag in "-+^"]
    keep = {k for i in changes for k in range(i - CONTEXT, i + CONTEXT + 1)}
    out: list[str] = []
    skipped = 0
    for i, (tag, text) in enumerate(rows):
        if i not in keep:
            skipped += 1
            continue
        if skipped:
            out.append(f"[... {skipped} matching line{'s' if skipped > 1 else ''}]")
            skipped = 0
        out.append((f" {text}" if tag == "^" else f"{tag}{text}").rstrip())
    if skipped:
        out.append(f"[... {skipped} matching line{'s' if skipped > 1 else ''}]")
    return out
