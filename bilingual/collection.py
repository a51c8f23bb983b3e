"""Python's cyclic garbage collector, kept from re-walking what reading will not free.

Why: reading the pages allocates a great many objects that all live on (each page's
tree, the environment) and, in the English edition, short-lived ones besides (each
translated message's paragraph and throwaway document).  With the default thresholds
the collector runs every 700 net allocations, promotes survivors, and every so often
walks the whole heap, Sphinx and every extension included, to free almost nothing.
In ``make bench`` that was about 0.1 CPU-s of the English edition's reading and a
little of the Korean one's (bench/RESULTS.md, "The English edition's cost").

So, while the pages are read (from ``env-before-read-docs`` to ``env-updated``):

- what exists when reading starts is frozen (:func:`gc.freeze`): the collector no
  longer walks it (it is the application itself, which lives to the end anyway);
- the youngest generation is collected after :data:`YOUNG` allocations instead of
  700, the older ones as usual (so garbage still goes, in fewer, larger steps).

After reading, the thresholds are as before; when the build finishes, the frozen
objects are handed back to the collector (:func:`gc.unfreeze`), so that a process that
builds again (``make livehtml``) frees what the last build left.  Nothing is disabled:
a cycle made while reading is freed at the next collection, as before.

``-D bilingual_fast_messages=0`` leaves the collector as it is, with the rest of the
English edition's savings, so that ``make bench`` measures "before" in the same run.
"""

from __future__ import annotations

import gc
from typing import Any

#: Allocations between two collections of the youngest generation while reading.
YOUNG = 50_000

_saved: list[tuple[int, int, int]] = []


def reading_starts(app: Any, env: Any, docnames: list[str]) -> None:
    if not docnames or _saved or not getattr(app.config, "bilingual_fast_messages", True):
        return  # nothing to read, already paused, or built the upstream way (for make bench's "before")
    _saved.append(gc.get_threshold())
    gc.freeze()
    _, middle, old = _saved[0]
    gc.set_threshold(YOUNG, middle, old)


def reading_ends(app: Any, env: Any) -> None:
    if _saved:
        gc.set_threshold(*_saved.pop())


def build_finished(app: Any, exception: BaseException | None) -> None:
    reading_ends(app, None)
    gc.unfreeze()


def setup(app: Any) -> None:
    """Called from :func:`bilingual.sphinx_ext.setup` (both editions)."""
    app.connect("env-before-read-docs", reading_starts, priority=100)
    app.connect("env-updated", reading_ends, priority=100)
    app.connect("build-finished", build_finished)
