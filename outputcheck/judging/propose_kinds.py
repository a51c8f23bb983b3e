"""Step 3, continued: the kinds of values that make paired lines differ.

Each value that differs between two paired lines gets the narrowest kind covering it on
both sides: a named kind (``float``, ``address``, ...) when it blanks no value that stays
the same, else a pattern with the word before it.  A kind keeps identity (``:vary:``)
only where the first run shows one value twice and every run keeps it so; otherwise any
value will do (``:any:``).
"""

from __future__ import annotations

import re
from collections import Counter

from ..declaring.normalize import VarySpec, _sort_items
from .matching import Rules
from .propose_pairs import JOINED
from .propose_values import blank, escape, general, values

#: Named kinds a proposal may use, most specific first.
NAMED = ("address", "float", "number", "size", "path", "port")
#: Kinds whose values often carry the lesson (a count, an index, a file): a proposal
#: uses them only when they blank no value that stays the same in every run.  Decimals,
#: addresses and sizes are measurements or identities; a steady one is luck.
MEANINGFUL = ("number", "path", "port")


class Kinds:
    """The kinds of values found to vary (kind -> keeps identity), and whether items of
    literals came in another order; ``first_run`` and ``volatile`` say which values
    never change."""

    def __init__(self, first_run: list[str], volatile: set[str]) -> None:
        self.first_run = first_run
        self.volatile = volatile
        self.kinds: dict[str, bool] = {}
        self.item_order = False

    def explain(self, ours: str, theirs: str) -> None:
        """Name what makes two paired lines differ: item order, or kinds of values."""
        if ours.startswith(JOINED):
            return  # joined data is compared whole; a difference there is not a kind
        if _sort_items(ours) == _sort_items(theirs) or blank(_sort_items(ours)) == blank(_sort_items(theirs)):
            if _sort_items(ours) != ours or _sort_items(theirs) != theirs:
                self.item_order = True
                ours, theirs = _sort_items(ours), _sort_items(theirs)
        a, b = values(ours), values(theirs)
        if blank(ours) != blank(theirs) or len(a) != len(b):
            return  # not a difference of values: left to the verification to refuse
        for (start, end, token), (tstart, tend, other) in zip(a, b, strict=True):
            if token != other:
                self.kinds.setdefault(self.kind_for(ours, start, end, theirs, tstart, tend), False)

    def kind_for(self, ours: str, start: int, end: int, theirs: str, tstart: int, tend: int) -> str:
        """The narrowest kind covering this value on both sides: a named kind when it
        blanks no value that stays the same, else a pattern with the word before it."""
        token = ours[start:end]
        if ours[end:end + 1] == "%" and re.fullmatch(r"\d+(?:\.\d+)?", token):
            return f"/{general(token)}(?=%)/"  # a percentage: the number before % only
        for name in NAMED:
            rule = Rules(VarySpec(any=(name,)))
            if any((s.start, s.end) == (start, end) for s in rule.spans(ours)) and any(
                (s.start, s.end) == (tstart, tend) for s in rule.spans(theirs)
            ):
                if name not in MEANINGFUL or not self._blanks_steady_values(rule):
                    return name
                break
        token, other = ours[start:end], theirs[tstart:tend]
        pattern = general(token)
        if not re.fullmatch(pattern, other):
            pattern = f"(?:{pattern}|{general(other)})"
        before = re.search(r"[A-Za-z]+[^\w\s]?(?P<pad>\s*)$", ours[:start])
        if before and re.fullmatch(r"\w", token[0]):
            word = before.group(0)[: before.start("pad") - before.start()]
            if not before.group("pad"):
                return f"/(?<={escape(word)}){pattern}/"
            # a column pads its value (%5s): one space after the word, any more belong to the value
            return f"/(?<={escape(word)} ) *{pattern}/"
        return f"/{pattern}/"

    def _blanks_steady_values(self, rule: Rules) -> bool:
        """Whether ``rule`` would blank, in the first run, a value that never changes."""
        return any(
            not any(token in self.volatile for _, _, token in values(line[s.start : s.end]))
            for line in self.first_run
            for s in rule.spans(line)
        )

    def keeps_identity(self, kind: str, pairs: list[list[tuple[str, str]]]) -> bool:
        """:vary: only where the first run shows a value twice and every run keeps that
        (``pairs``: for each other run, its lines paired with the first run's)."""
        rule = Rules(VarySpec(kinds=(kind,)))
        seen = Counter(line[s.start : s.end] for line in self.first_run for s in rule.spans(line))
        if not any(n > 1 for n in seen.values()):
            return False
        for run_pairs in pairs:
            bound: dict = {}
            for ours, theirs in run_pairs:
                step = rule.line(ours, theirs, bound)
                if step is None:
                    return False
                bound = step
        return True

    def settle(self, pairs: list[list[tuple[str, str]]]) -> None:
        """Decide, once every run is paired, which kinds keep identity."""
        for kind in list(self.kinds):
            self.kinds[kind] = self.keeps_identity(kind, pairs)
