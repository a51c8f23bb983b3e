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

The steps are units of their own: one line against another (:mod:`.values`), the page
as elements (:mod:`.layout`), and the search (:mod:`.search`).  :class:`Rules` puts them
together for one declaration.
"""

from __future__ import annotations

from functools import lru_cache

from ..declaring.normalize import VarySpec, canonical_lines
from .layout import Element, Joined, Line, PageLayout, Place, Unordered
from .search import BUDGET, GiveUp, Search
from .values import Bindings, Kind, LineRules, Span

__all__ = [
    "BUDGET", "Bindings", "Element", "Joined", "Kind", "Line", "Place", "Rules", "Span", "Unordered",
    "matches", "rules",
]


class Rules(LineRules, PageLayout):
    """A block's declarations, compiled once: how one line matches another
    (:class:`LineRules`), where lines may appear, join or move (:class:`PageLayout`), and
    whether a whole run keeps the page's promise (:meth:`matches`)."""

    def __init__(self, vary: VarySpec) -> None:
        LineRules.__init__(self, vary)
        PageLayout.__init__(self, vary)

    def matches(self, expected: str, actual: str) -> bool:
        """Whether the run ``actual`` keeps the promise of the page text ``expected``."""
        page, run = canonical_lines(expected), canonical_lines(actual)
        if not self.vary.declared and not self.item_order:
            return page == run
        elements = self.elements(page)
        run = [line for line in run if not self.optional_anywhere(line)]
        try:
            return Search(self, elements, run).run()
        except GiveUp:
            return False


@lru_cache(maxsize=256)
def rules(vary: VarySpec) -> Rules:
    """The compiled rules of a declaration (blocks share them)."""
    return Rules(vary)


def matches(expected: str, actual: str, vary: VarySpec) -> bool:
    """Whether the transcript ``actual`` matches the page text ``expected`` under ``vary``."""
    return rules(vary).matches(expected, actual)
