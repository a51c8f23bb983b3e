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
4. Candidate declarations, strictest first, are checked against the runs.

Each step is a unit of its own: ``propose_values`` (1), ``propose_lines`` (2),
``propose_pairs`` and ``propose_kinds`` (3), :func:`candidates` here (4).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field, replace
from typing import Protocol

from ..declaring.normalize import ANYWHERE, OptionalLine, VarySpec, canonical_lines
from ..reading.blocks import OutputBlock
from .matching import matches
from .propose_kinds import Kinds
from .propose_lines import LinesInAndOut
from .propose_pairs import JOINED, core_lines, how_it_differs, merge, out_of_order, partners, shape
from .propose_values import volatile


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
    spec: VarySpec | None = None  # the proposed declaration, as read
    held: tuple[int, int] | None = None  # (new fresh runs it held in, new fresh runs it was checked on)
    earlier: list[str] = field(default_factory=list)  # proposals that new runs broke, and how often

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
        if self.earlier:
            lines += [f"  {line}" for line in self.earlier]
        if self.held:
            lines.append(f"  checked on {self.held[1]} new fresh runs before it is shown: it held in {self.held[0]} of {self.held[1]}")
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
            return Proposal(
                block, len(transcripts), analysis.varied, options, new, text=transcripts[0], pairwise=pairwise, spec=candidate
            )
    varied = analysis.varied or _first_difference(transcripts)
    return Proposal(
        block, len(transcripts), varied, None,
        note="the runs differ in ways no declaration describes (the lines above)", text=transcripts[0],
    )


def _first_difference(transcripts: list[str]) -> list[str]:
    """When no step could name what varied: the lines of the first run that another run
    does not have, and the other run's instead, so the author sees it."""
    first = transcripts[0].split("\n")
    other = next(t for t in transcripts[1:] if t != transcripts[0]).split("\n")
    notes = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, first, other, autojunk=False).get_opcodes():
        if tag != "equal":
            ours = "; ".join(first[i1:i2]) or "(nothing)"
            theirs = "; ".join(other[j1:j2]) or "(nothing)"
            notes.append(f"line {i1 + 1}: {ours}   (another run: {theirs})")
    return notes[:10]


class _Analysis:
    """The runs, read as described in the module's docstring, step by step."""

    def __init__(self, declared: VarySpec, runs: list[list[str]]) -> None:
        self.declared = declared
        self.runs = runs
        self.volatile = volatile(runs)  # 1.
        coming = LinesInAndOut(runs)  # 2.
        self.optional: list[OptionalLine] = coming.optional
        self.joined: list[str] = coming.joined
        self._varied: list[tuple[int, str]] = list(coming.notes)  # (line of the first run, or a big number; text)
        self.values = Kinds(runs[0], self.volatile)
        self.unordered: list[tuple[int, int]] = []
        self.shapes: dict[tuple[int, int], str | None] = {}  # each range as a pattern, where its lines share a shape
        self._pairs()  # 3.
        self.varied = [text for _, text in sorted(self._varied, key=lambda item: item[0])]

    @property
    def kinds(self) -> dict[str, bool]:
        """kind -> keeps identity."""
        return self.values.kinds

    @property
    def item_order(self) -> bool:
        return self.values.item_order

    # -- 3. the lines every run has -------------------------------------------------------

    def _pairs(self) -> None:
        reference = core_lines(self.runs[0], self.optional, self.joined)
        differing: dict[int, set[str]] = {}
        self.pairs: list[list[tuple[str, str]]] = []
        for run in self.runs[1:]:
            core = core_lines(run, self.optional, self.joined)
            if len(core) != len(reference):
                self.pairs.append([])
                continue
            partner = partners(reference, core, self.volatile)
            pairs = [(reference[i][2], core[partner[i]][2]) for i in range(len(reference))]
            self.pairs.append(pairs)
            self.unordered += out_of_order(reference, partner)
            for i, (ours, theirs) in enumerate(pairs):
                if ours != theirs:
                    differing.setdefault(i, set()).add(theirs)
                    self.values.explain(ours, theirs)
        self.unordered = merge(self.unordered)
        optional = [re.compile(o.pattern) for o in self.optional]
        for a, b in self.unordered:
            self._varied.append((a, f"lines {a}-{b}: in another order in some runs"))
            self.shapes[(a, b)] = shape([line for line in self.runs[0][a - 1 : b] if not any(p.fullmatch(line) for p in optional)])
        for i, others in sorted(differing.items()):
            first, _, text = reference[i]
            if text.startswith(JOINED):
                continue
            self._varied.append((first, f"line {first}: {text}   ({how_it_differs(text, others)})"))
        self.values.settle(self.pairs)

    def candidates(self) -> list[tuple[VarySpec, bool]]:
        return candidates(self.declared, self)


# -- 4. candidates, strictest first ------------------------------------------------


class Findings(Protocol):
    """What steps 2 and 3 found in the runs (an :class:`_Analysis` is one)."""

    optional: list[OptionalLine]
    joined: list[str]
    unordered: list[tuple[int, int]]
    shapes: dict[tuple[int, int], str | None]

    @property
    def kinds(self) -> dict[str, bool]: ...

    @property
    def item_order(self) -> bool: ...


def candidates(declared: VarySpec, seen: Findings) -> list[tuple[VarySpec, bool]]:
    """Declarations to try, strictest first: (declaration, must hold whichever run the
    page shows).  Line ranges hold only for the run they were counted on, so the
    patterns of unordered lines come first, and ranges only as a last resort."""
    new_kinds = [k for k in seen.kinds if k not in declared.kinds and k not in declared.any]
    kinds = list(declared.kinds) + [k for k in new_kinds if seen.kinds[k]]
    if seen.item_order and "item-order" not in declared.kinds + declared.any:
        kinds.append("item-order")
    own_optional = [o for o in declared.optional if o.after == ANYWHERE]
    base = replace(
        declared,
        kinds=tuple(kinds),
        any=tuple(declared.any) + tuple(k for k in new_kinds if not seen.kinds[k]),
        optional=tuple(own_optional + [o for o in seen.optional if o not in own_optional]),
        joined=tuple(dict.fromkeys([*declared.joined, *seen.joined])),
        unordered=(),
    )
    shapes = [pattern for pattern in seen.shapes.values() if pattern]
    by_pattern = replace(
        base,
        shuffled=tuple(dict.fromkeys([*declared.shuffled, *shapes])),
        unordered=tuple(r for r, pattern in seen.shapes.items() if not pattern),
    )
    by_lines = replace(base, unordered=tuple(seen.unordered), shuffled=declared.shuffled)
    found: list[tuple[VarySpec, bool]] = []
    for spec in (by_pattern, by_lines) if seen.unordered else (base,):
        found.append((spec, True))
        everything_any = replace(
            spec, kinds=tuple(k for k in spec.kinds if k == "item-order"),
            any=tuple(k for k in (*spec.kinds, *spec.any) if k != "item-order"),
        )
        found.append((everything_any, True))
    found += [(spec, False) for spec, _ in list(found)]
    # A size is also a plain number or decimal (0, 509, 1.5): where sizes vary, try them
    # without the broader number and float first.
    narrower = [(_without_covered(spec), pairwise) for spec, pairwise in found]
    return list(dict.fromkeys([*(n for n in narrower if n not in found), *found]))


def _without_covered(spec: VarySpec) -> VarySpec:
    covered = ("number", "float")
    if "size" not in spec.kinds + spec.any:
        return spec
    return replace(
        spec,
        kinds=tuple(k for k in spec.kinds if k not in covered or "size" not in spec.kinds),
        any=tuple(k for k in spec.any if k not in covered or "size" not in spec.any),
    )
