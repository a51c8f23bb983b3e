"""Step 2 of a proposal: lines that come and go.

Lines that do not come the same number of times in every run (all values aside) are
joined data when they share a head and their joined parts agree (``received b'...'``),
otherwise optional lines, unless where one is missing another line stands instead (a
line that differs, left to the next step).
"""

from __future__ import annotations

import re
from collections import Counter

from ..declaring.joins import joined_content
from ..declaring.normalize import OptionalLine
from . import propose_internals as internals
from .propose_values import blank, common_prefix, escape, general, note, values


class LinesInAndOut:
    """The joined patterns and optional lines that account for lines coming and going
    across ``runs``, with a note for each (``notes``: line of the first run, text)."""

    def __init__(self, runs: list[list[str]]) -> None:
        self.runs = runs
        self.joined: list[str] = []
        self.optional: list[OptionalLine] = []
        self.notes: list[tuple[int, str]] = []
        self._read()

    def _note(self, line: str, text: str) -> None:
        self.notes.append(note(self.runs[0], line, text))

    def _read(self) -> None:
        keys = [Counter(blank(line) for line in run) for run in self.runs]
        unstable = {k for c in keys for k in c if any(other[k] != c[k] for other in keys)}
        moving = [[(i, line) for i, line in enumerate(run) if blank(line) in unstable] for run in self.runs]
        heads: dict[str, list[str]] = {}
        for run in moving:
            for _, line in run:
                m = re.match(r"[^'\"]*['\"]", line)
                if m:
                    heads.setdefault(m.group(0), []).append(line)
        joined_lines: set[str] = set()
        for head, lines in heads.items():
            pattern = joined_pattern(lines)
            if pattern and (not self._joins_agree(pattern) or self._broken_up(pattern)):
                # data broken up by lines of another kind interleaves as timing has it
                pattern, lines = self._interleaved(head, lines, fallback=pattern if self._joins_agree(pattern) else None)
            if pattern and self._joins_agree(pattern):
                self.joined.append(pattern)
                joined_lines.update(lines)
                counts = sorted({sum(1 for line in run if line in lines) for run in self.runs})
                kinds = sorted({m.group(0) for line in lines if (m := re.match(r"[^'\"]*['\"]", line))})
                what = " and ".join(f"{k}..." for k in kinds)
                first = next((line for line in self.runs[0] if line in lines), lines[0])
                many = f"{counts[0]} to {counts[-1]}" if len(counts) > 1 else f"{counts[0]}"
                self._note(
                    first,
                    f"lines of {len(kinds)} kinds interleave differently, each kind carrying the same data: {what} "
                    f"({many} lines)" if len(kinds) > 1
                    else f"the same data in {counts[0]} to {counts[-1]} lines: {head}..."
                    if len(counts) > 1 else f"the same data, split differently: {head}...",
                )
        groups: dict[str, list[str]] = {}
        for run in moving:
            for _, line in run:
                if line not in joined_lines:
                    groups.setdefault(blank(line), []).append(line)
        # Where each coming-and-going line stands: after how many of the lines every run has.
        places: list[dict[int, set[str]]] = []
        for run in self.runs:
            steady, found = 0, {}
            for line in run:
                key = blank(line)
                if key not in unstable:
                    steady += 1
                elif line not in joined_lines:
                    found.setdefault(steady, set()).add(key)
            places.append(found)
        together: dict[tuple[bool, ...], list[str]] = {}
        for key, lines in groups.items():
            present = sum(1 for run in self.runs if any(line in run for line in lines))
            here = {a for found in places for a, keys in found.items() if key in keys}
            without = [found for found in places if not any(key in keys for keys in found.values())]
            if all(any(found.get(a) for a in here) for found in without):
                continue  # where it is missing another line stands instead: a line that differs
            self.optional.append(OptionalLine(line_pattern(lines)))
            self._note(lines[0], f"in {present} of {len(self.runs)} runs: {lines[0]}")
            together.setdefault(tuple(any(line in run for line in lines) for run in self.runs), []).append(lines[0])
        for presence, firsts in together.items():
            if len(firsts) > 1 and not all(presence):
                self._note(
                    firsts[0],
                    f"lines {', '.join(repr(f) for f in firsts[:3])}{', ...' if len(firsts) > 3 else ''} come and go "
                    f"together (in {sum(presence)} of {len(presence)} runs): if they are the listing's results, the "
                    f"listing is racy: fix it rather than declare them optional",
                )

    def _broken_up(self, pattern: str) -> bool:
        """Whether, in some run, lines of ``pattern`` come in several groups with only
        quoted lines of other kinds between them (``received`` data cut by ``sent``)."""
        compiled = re.compile(pattern)
        for run in self.runs:
            marks = [bool(compiled.fullmatch(line)) for line in run]
            hits = [i for i, m in enumerate(marks) if m]
            for a, b in zip(hits, hits[1:]):
                between = run[a + 1 : b]
                if between and all(re.match(r"[^'\"]*['\"].*['\"]$", line) for line in between):
                    return True
        return False

    def _interleaved(self, head: str, lines: list[str], fallback: str | None = None) -> tuple[str | None, list[str]]:
        """Lines of this head that interleave with lines of another quoted head (``sent
        b'...'`` among ``received b'...'``): one pattern with a named group for each kind,
        when what each kind carried, joined, is the same in every run."""
        others: dict[str, list[str]] = {}
        for run in self.runs:
            for line in run:
                m = re.match(r"[^'\"]*['\"]", line)
                if m and m.group(0) != head and line.endswith(m.group(0)[-1]):
                    others.setdefault(m.group(0), []).append(line)
        for other, their_lines in others.items():
            pattern = interleaved_pattern({head: lines, other: their_lines})
            if pattern and self._joins_agree(pattern):
                return pattern, lines + their_lines
        return fallback, lines

    def _joins_agree(self, pattern: str) -> bool:
        """Whether every run's joined parts, group by group, are the same data."""
        compiled = re.compile(pattern)
        contents = []
        for run in self.runs:
            groups: list[list[str]] = []
            last = False
            for line in run:
                m = compiled.fullmatch(line)
                if m and last:
                    groups[-1].append(line)
                elif m:
                    groups.append([line])
                last = bool(m)
            contents.append([joined_content(compiled, group) for group in groups])
        return all(c == contents[0] for c in contents)


def joined_pattern(lines: list[str]) -> str | None:
    """A :joined: pattern for copies of a line that carry quoted data (``received
    b'...'``): the shared head up to the quote, the data, the shared tail from the quote."""
    if len(set(lines)) < 2:
        return None
    prefix = lines[0][: len(common_prefix(lines))]
    suffix = common_prefix([line[::-1] for line in lines])[::-1]
    cut = max(prefix.rfind("'"), prefix.rfind('"'))
    if cut < 0:
        return None
    prefix = prefix[: cut + 1]
    quote = prefix[-1]
    suffix = suffix[suffix.find(quote):] if quote in suffix else ""
    if not suffix:
        return None
    return f"{escape(prefix)}(.*){escape(suffix)}"


def line_pattern(lines: list[str]) -> str:
    """A pattern for one optional line: what differs between its copies is generalized;
    with one copy, its measurements (decimals, addresses) are; so are the parts that
    belong to the Python that ran it (:mod:`.propose_internals`)."""
    first = lines[0]
    differs: set[int] = set()
    for other in lines[1:]:
        ours, theirs = values(first), values(other)
        if len(ours) == len(theirs):
            differs |= {i for i, (a, b) in enumerate(zip(ours, theirs, strict=True)) if a[2] != b[2]}
    out, pos = [], 0
    theirs = internals.spans(first)  # Python's own parts: generalized whole
    for i, (start, end, token) in enumerate(values(first)):
        if any(a <= start < b for a, b in theirs):
            continue
        measured = re.fullmatch(r"-?\d+\.\d+|0x[0-9a-fA-F]+", token) is not None
        out += [internals.escaped(first[pos:start], escape), general(token) if i in differs or measured else escape(token)]
        pos = end
    return "".join(out) + internals.escaped(first[pos:], escape)


def interleaved_pattern(kinds: dict[str, list[str]]) -> str | None:
    """A :joined: pattern for lines of several quoted kinds in any mix: one branch per
    kind, each with a group named after the kind's last word (``(?P<sent>.*)``)."""
    branches, names = [], set()
    for head, lines in kinds.items():
        single = joined_pattern(lines) if len(set(lines)) > 1 else None
        if single is None:
            quote = head[-1]
            if not all(line.endswith(quote) for line in lines):
                return None
            single = f"{escape(head)}(.*){escape(quote)}"
        words = re.findall(r"[A-Za-z_]\w*", head)
        name = next((w for w in reversed(words) if len(w) > 1 and w not in names), f"part{len(names) + 1}")
        names.add(name)
        branches.append(single.replace("(.*)", f"(?P<{name}>.*)", 1))
    return "(?:" + "|".join(branches) + ")"
