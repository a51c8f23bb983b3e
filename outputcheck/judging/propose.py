"""When fresh runs of a listing disagree: say what varied, and propose a declaration.

``make update-outputs`` must never write a lucky run into a page.  It runs a drifted
listing several times; when the runs do not agree under what the block declares, it
writes nothing and shows :func:`propose`'s answer: which lines varied across the runs,
and option lines (``:any:``, ``:vary:``, ``:optional:``, ``:joined:``, ``:unordered:``)
under which every run matches every other, whichever of them the page then shows.  A
proposal is checked against the runs before it is offered; when nothing found makes
them agree, it says so instead.

How it reads the runs:

1. A *value* is a word with a digit in it (``17409``, ``0.201``, ``ThreadPoolExecutor-0_1``,
   ``20K``); a value whose count differs between runs is *volatile*.
2. Lines that do not come the same number of times in every run (all values aside)
   are joined data when they share a head and their joined parts agree
   (``received b'...'``), otherwise optional lines.
3. The other lines are paired with the first run's: same text first, then same text
   but for volatile values, then same text but for any value.  Pairs out of order make
   unordered ranges; pairs that differ name the kinds of values that vary.  A kind
   keeps identity (``:vary:``) only where the first run shows one value twice and
   every run keeps it so; otherwise any value will do (``:any:``).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from ..reading.blocks import OutputBlock
from .matching import Rules, matches
from ..declaring.normalize import ANYWHERE, OptionalLine, VarySpec, _sort_items, canonical_lines

_VALUE = re.compile(r"[\w.:-]*\d[\w.:-]*")
#: Named kinds a proposal may use, most specific first.
_NAMED = ("address", "float", "number", "size", "path", "port")
#: Kinds whose values often carry the lesson (a count, an index, a file): a proposal
#: uses them only when they blank no value that stays the same in every run.  Decimals,
#: addresses and sizes are measurements or identities; a steady one is luck.
_MEANINGFUL = ("number", "path", "port")


def _values(line: str) -> list[tuple[int, int, str]]:
    found = []
    for m in _VALUE.finditer(line):
        token = m.group(0).rstrip(".:-")
        if re.search(r"\d", token):
            found.append((m.start(), m.start() + len(token), token))
    return found


def _blank(line: str, keep: Callable[[str], bool] = lambda token: False) -> str:
    """The line with values blanked (those ``keep`` says to keep stay) and runs of
    spaces counted as one, so a re-padded table row keeps its shape."""
    out, pos = [], 0
    for start, end, token in _values(line):
        out += [line[pos:start], token if keep(token) else "\0"]
        pos = end
    return re.sub(r" +", " ", "".join(out) + line[pos:])


def _escape(text: str) -> str:
    """``text`` as a pattern, readable: only what a pattern treats specially is escaped
    (and the slash, which ends a pattern in an option)."""
    return re.sub(r"([.^$*+?{}\[\]\\|()/])", r"\\\1", text)


def _general(token: str) -> str:
    """A pattern for values like ``token``."""
    if re.fullmatch(r"0x[0-9a-fA-F]+", token):
        return "0x[0-9a-f]+"
    if re.fullmatch(r"-?\d+\.\d+", token):
        return r"\d+\.\d+"
    return re.sub(r"\\d\+(?:\\d\+)+", r"\\d+", re.sub(r"\d+", r"\\d+", _escape(token)))


@dataclass
class Proposal:
    """What varied across fresh runs of one block, and the declaration that covers it."""

    block: OutputBlock
    runs: int
    varied: list[str]  # one line per varying line (line numbers of the first run)
    options: dict[str, str] | None  # the block's declaration options as proposed; None: none found
    new_lines: list[str] = field(default_factory=list)  # the option lines that are new or changed
    note: str = ""
    text: str = ""  # the first run: the page's text the declaration was checked with
    pairwise: bool = True  # it holds whichever run the page shows (else only with ``text``)

    def option_lines(self) -> list[str]:
        """Every declaration option line of the proposed block (paste these)."""
        return [f":{name}: {value}" for name, value in (self.options or {}).items()]

    def __str__(self) -> str:
        name = f"{self.block.shown_snippet}.py"
        lines = [
            f"{self.block.location}: {self.runs} fresh runs of {name} do not agree; nothing was written",
            "  what varied (line numbers of the first run; line 1 is the command line):",
            *(f"    {v}" for v in self.varied),
        ]
        if self.options is None:
            lines.append(f"  no declaration found that makes them agree{': ' + self.note if self.note else ''}")
            lines.append(f"  next: make snippets/{name} print the same thing each run, or declare by hand what varies")
            return "\n".join(lines)
        if self.pairwise:
            lines.append("  proposed declaration (every run matches every other under it):")
            lines += [f"    {line}" for line in self.option_lines()]
            lines.append("  next: put these option lines on the block (replacing its declarations), then run the update again")
            return "\n".join(lines)
        lines.append("  proposed block (its line numbers count the first run, so it holds with that run as its text):")
        lines += [f"    {line}" for line in self.option_lines()]
        lines += ["", *(f"    {line}" for line in self.text.split("\n"))]
        lines.append("  next: put these options and this text in the block, then run the update again")
        return "\n".join(lines)


def declaration_options(vary: VarySpec) -> dict[str, str]:
    """The option lines that declare ``vary`` (the inverse of declarations.declarations)."""
    options: dict[str, str] = {}
    if vary.kinds:
        options["vary"] = ", ".join(vary.kinds)
    if vary.any:
        options["any"] = ", ".join(vary.any)
    if vary.optional:
        options["optional"] = ", ".join(o.label for o in vary.optional)
    if vary.joined:
        options["joined"] = ", ".join(f"/{p}/" for p in vary.joined)
    if vary.unordered or vary.shuffled:
        options["unordered"] = ", ".join([*(f"{a}-{b}" for a, b in vary.unordered), *(f"/{p}/" for p in vary.shuffled)])
    if vary.host:
        options["host"] = ", ".join(vary.host)
    return options


def agree(vary: VarySpec, transcripts: list[str], reference: int | None = None) -> bool:
    """Whether every run matches every other under ``vary`` (or, given ``reference``,
    whether every run matches that one as the page)."""
    pages = range(len(transcripts)) if reference is None else [reference]
    return all(matches(transcripts[i], t, vary) for i in pages for t in transcripts)


def propose(block: OutputBlock, transcripts: list[str]) -> Proposal | None:
    """What varied across ``transcripts`` (fresh runs of ``block``, command line first,
    as :func:`outputcheck.judging.compare.transcript` gives them) and a declaration under which
    they all agree; None when they already agree under the block's own."""
    if len(transcripts) < 2:
        raise ValueError("a proposal needs at least two runs to compare")
    transcripts = ["\n".join(canonical_lines(t)) for t in transcripts]
    if agree(block.vary, transcripts):
        return None
    analysis = _Analysis(block.vary, [canonical_lines(t) for t in transcripts])
    candidates = analysis.candidates()
    for candidate, pairwise in candidates:
        if agree(candidate, transcripts, None if pairwise else 0):
            options = declaration_options(candidate)
            before = declaration_options(block.vary)
            new = [f":{k}: {v}" for k, v in options.items() if before.get(k) != v]
            return Proposal(block, len(transcripts), analysis.varied, options, new, text=transcripts[0], pairwise=pairwise)
    return Proposal(
        block, len(transcripts), analysis.varied, None,
        note="the runs differ in ways no declaration describes (see above)", text=transcripts[0],
    )


class _Analysis:
    """The runs, read as described in the module's docstring."""

    def __init__(self, declared: VarySpec, runs: list[list[str]]) -> None:
        self.declared = declared
        self.runs = runs
        self._varied: list[tuple[int, str]] = []  # (line of the first run, or a big number; text)
        self.optional: list[OptionalLine] = []
        self.joined: list[str] = []
        self.kinds: dict[str, bool] = {}  # kind -> keeps identity
        self.item_order = False
        self.unordered: list[tuple[int, int]] = []
        self.shapes: dict[tuple[int, int], str | None] = {}  # each range as a pattern, where its lines share a shape
        counts = [Counter(token for line in run for _, _, token in _values(line)) for run in runs]
        self.volatile = {t for c in counts for t in c if any(other[t] != c[t] for other in counts)}
        self._lines_in_and_out()
        self._pairs()
        self.varied = [text for _, text in sorted(self._varied, key=lambda item: item[0])]

    # -- 2. lines that come and go -----------------------------------------------------

    def _lines_in_and_out(self) -> None:
        keys = [Counter(_blank(line) for line in run) for run in self.runs]
        unstable = {k for c in keys for k in c if any(other[k] != c[k] for other in keys)}
        moving = [[(i, line) for i, line in enumerate(run) if _blank(line) in unstable] for run in self.runs]
        heads: dict[str, list[str]] = {}
        for run in moving:
            for _, line in run:
                m = re.match(r"[^'\"]*['\"]", line)
                if m:
                    heads.setdefault(m.group(0), []).append(line)
        joined_lines: set[str] = set()
        for head, lines in heads.items():
            pattern = self._joined_pattern(lines)
            if pattern and self._joins_agree(pattern):
                self.joined.append(pattern)
                joined_lines.update(lines)
                counts = sorted({sum(1 for _, line in run if line in lines) for run in moving})
                self._note(
                    lines[0],
                    f"the same data in {counts[0]} to {counts[-1]} lines: {head}..."
                    if len(counts) > 1 else f"the same data, split differently: {head}...",
                )
        groups: dict[str, list[str]] = {}
        for run in moving:
            for _, line in run:
                if line not in joined_lines:
                    groups.setdefault(_blank(line), []).append(line)
        # Where each coming-and-going line stands: after how many of the lines every run has.
        places: list[dict[int, set[str]]] = []
        for run in self.runs:
            steady, found = 0, {}
            for line in run:
                key = _blank(line)
                if key not in unstable:
                    steady += 1
                elif line not in joined_lines:
                    found.setdefault(steady, set()).add(key)
            places.append(found)
        for key, lines in groups.items():
            present = sum(1 for run in self.runs if any(line in run for line in lines))
            here = {a for found in places for a, keys in found.items() if key in keys}
            without = [found for found in places if not any(key in keys for keys in found.values())]
            if all(any(found.get(a) for a in here) for found in without):
                continue  # where it is missing another line stands instead: a line that differs
            self.optional.append(OptionalLine(self._line_pattern(lines)))
            self._note(lines[0], f"in {present} of {len(self.runs)} runs: {lines[0]}")

    def _note(self, line: str, text: str) -> None:
        if line in self.runs[0]:
            number = self.runs[0].index(line) + 1
            self._varied.append((number, f"line {number}: {text}"))
        else:
            self._varied.append((1 << 30, f"not in the first run, {text}"))

    @staticmethod
    def _joined_pattern(lines: list[str]) -> str | None:
        if len(set(lines)) < 2:
            return None
        prefix = lines[0][: len(_common_prefix(lines))]
        suffix = _common_prefix([line[::-1] for line in lines])[::-1]
        cut = max(prefix.rfind("'"), prefix.rfind('"'))
        if cut < 0:
            return None
        prefix = prefix[: cut + 1]
        quote = prefix[-1]
        suffix = suffix[suffix.find(quote):] if quote in suffix else ""
        if not suffix:
            return None
        return f"{_escape(prefix)}(.*){_escape(suffix)}"

    def _joins_agree(self, pattern: str) -> bool:
        compiled = re.compile(pattern)
        contents = []
        for run in self.runs:
            parts: list[str] = []
            last = False
            for line in run:
                m = compiled.fullmatch(line)
                if m and last:
                    parts[-1] += m.group(1)
                elif m:
                    parts.append(m.group(1))
                last = bool(m)
            contents.append(parts)
        return all(c == contents[0] for c in contents)

    def _line_pattern(self, lines: list[str]) -> str:
        """A pattern for one optional line: what differs between its copies is generalized;
        with one copy, its measurements (decimals, addresses) are."""
        first = lines[0]
        differs: set[int] = set()
        for other in lines[1:]:
            ours, theirs = _values(first), _values(other)
            if len(ours) == len(theirs):
                differs |= {i for i, (a, b) in enumerate(zip(ours, theirs, strict=True)) if a[2] != b[2]}
        out, pos = [], 0
        for i, (start, end, token) in enumerate(_values(first)):
            measured = re.fullmatch(r"-?\d+\.\d+|0x[0-9a-fA-F]+", token) is not None
            out += [_escape(first[pos:start]), _general(token) if i in differs or measured else _escape(token)]
            pos = end
        return "".join(out) + _escape(first[pos:])

    # -- 3. the lines every run has -------------------------------------------------------

    def _core(self, run: list[str]) -> list[tuple[int, int, str]]:
        """(first line, last line, text) of the lines that are neither optional nor joined
        apart; a joined group is one entry, its text the joined parts."""
        optional = [re.compile(o.pattern) for o in self.optional]
        joined = [re.compile(p) for p in self.joined]
        core: list[tuple[int, int, str]] = []
        open_pattern: re.Pattern[str] | None = None
        for number, line in enumerate(run, start=1):
            if any(p.fullmatch(line) for p in optional):
                continue
            pattern = next((p for p in joined if p.fullmatch(line)), None)
            if pattern is not None and pattern is open_pattern:
                first, _, text = core[-1]
                core[-1] = (first, number, text + pattern.fullmatch(line).group(1))  # type: ignore[union-attr]
                continue
            if pattern is not None:
                core.append((number, number, "\0joined\0" + pattern.fullmatch(line).group(1)))  # type: ignore[union-attr]
            else:
                core.append((number, number, line))
            open_pattern = pattern
        return core

    def _pairs(self) -> None:
        reference = self._core(self.runs[0])
        keys: list[Callable[[str], str]] = [
            lambda line: line,
            lambda line: _blank(line, keep=lambda token: token not in self.volatile),
            lambda line: _sort_items(line),
        ]
        differing: dict[int, set[str]] = {}
        self.pairs: list[list[tuple[str, str]]] = []
        for run in self.runs[1:]:
            core = self._core(run)
            if len(core) != len(reference):
                self.pairs.append([])
                continue
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
                (_cost(text, core[j][2]), abs(i - j), i, j)
                for i, (_, _, text) in enumerate(reference) if i not in partner
                for j in free if _blank(_sort_items(text)) == _blank(_sort_items(core[j][2]))
            )
            for _, _, i, j in options:
                if i not in partner and j in free:
                    partner[i] = j
                    free.remove(j)
            rest_i = [i for i in range(len(reference)) if i not in partner]
            rest_j = [j for j in range(len(core)) if j not in partner.values()]
            partner.update(zip(rest_i, rest_j, strict=True))
            pairs = [(reference[i][2], core[partner[i]][2]) for i in range(len(reference))]
            self.pairs.append(pairs)
            # out of order: the smallest ranges of the first run that hold a permutation
            start, reach = 0, -1
            for i in range(len(reference)):
                reach = max(reach, partner[i])
                if reach == i:
                    if i > start:
                        self.unordered.append((reference[start][0], reference[i][1]))
                    start = i + 1
            for i, (ours, theirs) in enumerate(pairs):
                if ours != theirs:
                    differing.setdefault(i, set()).add(theirs)
                    self._explain(ours, theirs)
        self.unordered = _merge(self.unordered)
        optional = [re.compile(o.pattern) for o in self.optional]
        for a, b in self.unordered:
            self._varied.append((a, f"lines {a}-{b}: in another order in some runs"))
            self.shapes[(a, b)] = _shape([line for line in self.runs[0][a - 1 : b] if not any(p.fullmatch(line) for p in optional)])
        for i, others in sorted(differing.items()):
            first, _, text = reference[i]
            if text.startswith("\0joined\0"):
                continue
            self._varied.append((first, f"line {first}: {text}   ({self._how(text, others)})"))
        for kind in list(self.kinds):
            self.kinds[kind] = self._keeps_identity(kind)

    @staticmethod
    def _how(text: str, others: set[str]) -> str:
        """How a line differs in other runs: its values, or its whole text."""
        ours = [t for _, _, t in _values(text)]
        seen: dict[int, set[str]] = {}
        for other in others:
            theirs = [t for _, _, t in _values(other)]
            if _blank(other) != _blank(text) or len(theirs) != len(ours):
                return f"other runs: {sorted(others)[0]!r}" + (", ..." if len(others) > 1 else "")
            for i, (a, b) in enumerate(zip(ours, theirs, strict=True)):
                if a != b:
                    seen.setdefault(i, set()).add(b)
        if not seen:
            return "other runs: the same values in another order"
        parts = []
        for i, values in sorted(seen.items()):
            listed = sorted(values)
            parts.append(f"{ours[i]} here, {', '.join(listed[:3])}{', ...' if len(listed) > 3 else ''} in other runs")
        return "; ".join(parts)

    def _explain(self, ours: str, theirs: str) -> None:
        """Name what makes two paired lines differ: item order, or kinds of values."""
        if ours.startswith("\0joined\0"):
            return  # joined data is compared whole; a difference there is not a kind
        if _sort_items(ours) == _sort_items(theirs) or _blank(_sort_items(ours)) == _blank(_sort_items(theirs)):
            if _sort_items(ours) != ours or _sort_items(theirs) != theirs:
                self.item_order = True
                ours, theirs = _sort_items(ours), _sort_items(theirs)
        a, b = _values(ours), _values(theirs)
        if _blank(ours) != _blank(theirs) or len(a) != len(b):
            return  # not a difference of values: left to the verification to refuse
        for (start, end, token), (tstart, tend, other) in zip(a, b, strict=True):
            if token != other:
                self.kinds.setdefault(self._kind_for(ours, start, end, theirs, tstart, tend), False)

    def _kind_for(self, ours: str, start: int, end: int, theirs: str, tstart: int, tend: int) -> str:
        """The narrowest kind covering this value on both sides: a named kind when it
        blanks no value that stays the same, else a pattern with the word before it."""
        for name in _NAMED:
            rule = Rules(VarySpec(any=(name,)))
            if any((s.start, s.end) == (start, end) for s in rule.spans(ours)) and any(
                (s.start, s.end) == (tstart, tend) for s in rule.spans(theirs)
            ):
                if name not in _MEANINGFUL or not self._blanks_steady_values(rule):
                    return name
                break
        token, other = ours[start:end], theirs[tstart:tend]
        general = _general(token)
        if not re.fullmatch(general, other):
            general = f"(?:{general}|{_general(other)})"
        before = re.search(r"[A-Za-z]+[^\w\s]?\s*$", ours[:start])
        if before and re.fullmatch(r"\w", token[0]):
            return f"/(?<={_escape(before.group(0))}){general}/"
        return f"/{general}/"

    def _blanks_steady_values(self, rule: Rules) -> bool:
        """Whether ``rule`` would blank, in the first run, a value that never changes."""
        return any(
            not any(token in self.volatile for _, _, token in _values(line[s.start : s.end]))
            for line in self.runs[0]
            for s in rule.spans(line)
        )

    def _keeps_identity(self, kind: str) -> bool:
        """:vary: only where the first run shows a value twice and every run keeps that."""
        rule = Rules(VarySpec(kinds=(kind,)))
        seen = Counter(line[s.start : s.end] for line in self.runs[0] for s in rule.spans(line))
        if not any(n > 1 for n in seen.values()):
            return False
        for pairs in self.pairs:
            bound: dict = {}
            for ours, theirs in pairs:
                step = rule.line(ours, theirs, bound)
                if step is None:
                    return False
                bound = step
        return True

    # -- 4. candidates, strictest first ------------------------------------------------

    def candidates(self) -> list[tuple[VarySpec, bool]]:
        """Declarations to try, strictest first: (declaration, must hold whichever run the
        page shows).  Line ranges hold only for the run they were counted on, so the
        patterns of unordered lines come first, and ranges only as a last resort."""
        declared = self.declared
        new_kinds = [k for k in self.kinds if k not in declared.kinds and k not in declared.any]
        kinds = list(declared.kinds) + [k for k in new_kinds if self.kinds[k]]
        if self.item_order and "item-order" not in declared.kinds + declared.any:
            kinds.append("item-order")
        own_optional = [o for o in declared.optional if o.after == ANYWHERE]
        base = replace(
            declared,
            kinds=tuple(kinds),
            any=tuple(declared.any) + tuple(k for k in new_kinds if not self.kinds[k]),
            optional=tuple(own_optional + [o for o in self.optional if o not in own_optional]),
            joined=tuple(dict.fromkeys([*declared.joined, *self.joined])),
            unordered=(),
        )
        shapes = [shape for shape in self.shapes.values() if shape]
        by_pattern = replace(
            base,
            shuffled=tuple(dict.fromkeys([*declared.shuffled, *shapes])),
            unordered=tuple(r for r, shape in self.shapes.items() if not shape),
        )
        by_lines = replace(base, unordered=tuple(self.unordered), shuffled=declared.shuffled)
        found: list[tuple[VarySpec, bool]] = []
        for spec in (by_pattern, by_lines) if self.unordered else (base,):
            found.append((spec, True))
            everything_any = replace(
                spec, kinds=tuple(k for k in spec.kinds if k == "item-order"),
                any=tuple(k for k in (*spec.kinds, *spec.any) if k != "item-order"),
            )
            found.append((everything_any, True))
        found += [(spec, False) for spec, _ in list(found)]
        return list(dict.fromkeys(found))


_CHEAP = re.compile(r"[A-Za-z_].*\d.*|\d{4,}|-?\d+\.\d+|0x[0-9a-fA-F]+|\d+(?:\.\d+)?[A-Za-z]+")


def _cost(ours: str, theirs: str) -> int:
    """How unlike two lines of the same shape are: a changed name, pid, measurement or
    size costs 1, another changed value (a count, an index) 3."""
    pairs = zip(_values(_sort_items(ours)), _values(_sort_items(theirs)), strict=False)
    return sum(1 if _CHEAP.fullmatch(a) or _CHEAP.fullmatch(b) else 3 for (_, _, a), (_, _, b) in pairs if a != b)


def _shape(lines: list[str]) -> str | None:
    """A pattern for lines that share a beginning or an end (``task .* done``), cut at
    word edges; None when they share neither."""
    prefix = _common_prefix(lines)
    suffix = _common_prefix([line[::-1] for line in lines])[::-1]
    head = re.match(r".*\W", prefix)
    prefix = head.group(0) if head else ""
    tail = re.search(r"\W.*", suffix)
    suffix = tail.group(0) if tail else ""
    if len(prefix.strip()) < 2 and len(suffix.strip()) < 2:
        return None
    return f"{_escape(prefix)}.*{_escape(suffix)}"


def _common_prefix(lines: list[str]) -> str:
    first, last = min(lines), max(lines)
    size = 0
    while size < min(len(first), len(last)) and first[size] == last[size]:
        size += 1
    return first[:size]


def _merge(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for a, b in sorted(set(ranges)):
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged

