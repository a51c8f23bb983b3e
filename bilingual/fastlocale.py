"""Two costs of Sphinx's ``Locale`` transform that buy nothing, removed for the English edition.

Why: after :mod:`bilingual.fastmessages` made each translated message cheap to parse,
most of what remained of the English edition's extra reading time was spent in
``sphinx.transforms.i18n.Locale`` on work whose result is thrown away:

- ``sphinx.util.nodes.is_translatable`` passes ``repr_domxml(node)`` to
  ``logger.debug`` for every node it skips (our listings, outputs and notes have no
  ``source`` on purpose).  The argument is computed before ``logging`` decides not to
  log it: each call converts the node to a DOM and serializes it.  Here the function
  returns a small object that does the same conversion only when it is turned into
  text.  And the records themselves: Sphinx sets its loggers to DEBUG and lets its
  handlers drop what the verbosity does not show, so ~800 records per English build
  were made and dropped.  ``sphinx.util.nodes`` now makes its debug records only when
  the build shows them (``-vv``; :func:`show_debug`); what a record says is unchanged.
- For every translated section title, ``_NodeUpdater.update_title_mapping`` walks the
  whole page to find the targets that refer to the title by its old name (none, in
  MyST pages, but it has to look).  Here that search reads a list of the page's
  targets, made on its first search.  The list stays complete because targets can
  only come into a page being translated with a translated message, and
  :mod:`bilingual.fastmessages` reports every parsed message that holds one
  (:func:`note_published`): from then on, that page is searched the upstream way.
- For every translated message, ``_NodeUpdater`` walks the original node and its
  translation five times (footnote, named, footnote-by-name and citation references,
  then pending cross-references) to reconcile references.  When neither tree holds
  any reference node at all, each of those five methods finds nothing, warns about
  nothing and changes nothing (their sources are pinned by
  :data:`bilingual.fastmessages.SOURCES`); one walk that finds no reference node
  now returns from them at once.

- ``bilingual.sphinx_ext.CheckTranslations`` walked each page to list its messages
  just before ``Locale`` walked it again for the same list.  It now watches Locale's
  first walk instead (:func:`watch_first_extraction`): each (node, message) is handed
  to it as Locale's first pass takes it, in the same order, without a walk of its own.

Installed and removed together with :mod:`bilingual.fastmessages`, under the same
version and source guard; the byte-identity test of ``tests/test_english_cost.py``
covers both.

What upstream would need to change for this module to go: in ``is_translatable`` and
``apply_source_workaround``, pass the node itself to ``logger.debug`` with a lazy
formatter, and make debug records only when some handler shows them (its loggers'
level follows the verbosity, or ``isEnabledFor`` is asked of the handlers); in ``Locale.apply``, skip the
reference updates of a message with no reference node.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterator
from typing import Any

#: The ``_NodeUpdater`` methods that do nothing when there is no reference node.
REFERENCE_UPDATES = (
    "update_autofootnote_references",
    "update_refnamed_references",
    "update_refnamed_footnote_references",
    "update_citation_references",
    "update_pending_xrefs",
)

_installed: dict[str, Callable[..., Any]] = {}


class _DomXml:
    """``repr_domxml(node, length)``, computed when a log record is formatted."""

    __slots__ = ("node", "length")

    def __init__(self, node: Any, length: int) -> None:
        self.node, self.length = node, length

    def __str__(self) -> str:
        return _installed["repr_domxml"](self.node, self.length)

    __repr__ = __str__


def lazy_repr_domxml(node: Any, length: int = 80) -> _DomXml:
    return _DomXml(node, length)


#: Whether the build shows debug records (``-vv``): set by :func:`show_debug`.
_debug_shown = [False]


def show_debug(verbosity: int) -> None:
    """Tell the patched logger the build's verbosity (Sphinx shows debug from 2 on)."""
    _debug_shown[0] = verbosity >= 2


class _DebugWhenShown:
    """``sphinx.util.nodes``' logger, making its debug records only when they are shown."""

    def __init__(self, logger: Any) -> None:
        self._logger = logger

    def debug(self, *args: Any, **kwargs: Any) -> None:
        if _debug_shown[0]:
            self._logger.debug(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._logger, name)


def _reference_kinds() -> tuple[type, ...]:
    from docutils import nodes
    from sphinx import addnodes

    return (nodes.footnote_reference, nodes.reference, nodes.citation_reference, addnodes.pending_xref)


def has_references(updater: Any) -> bool:
    """Whether the original node or its translation holds a reference node (one walk,
    remembered on the updater: the five updates do not add any)."""
    found = getattr(updater, "_bilingual_references", None)
    if found is None:
        kinds = _reference_kinds()
        found = any(
            isinstance(node, kinds) for tree in (updater.node, updater.patch) for node in tree.findall(include_self=True)
        )
        updater._bilingual_references = found
    return found


def _only_with_references(method: Callable[[Any], None]) -> Callable[[Any], None]:
    def update(self: Any) -> None:
        if has_references(self):
            method(self)

    update.__name__ = method.__name__
    update.__doc__ = f"{method.__name__}, skipped when no reference node is there to update."
    return update


#: The page whose targets are listed, and the list (one page is translated at a time).
_targets: list[Any] = [None, []]
#: Settings (one object per page) of pages that a parsed translation brought a target into.
#: (Docutils settings compare by value, so they are kept by identity, weakly.)
_targets_brought: dict[int, weakref.ref[Any]] = {}


def note_published(settings: Any, patch: Any) -> None:
    """Called with each parsed translation of a page: one holding a target makes the
    page's list of targets incomplete, so its searches go the upstream way."""
    from docutils import nodes

    if any(True for _ in patch.findall(nodes.target, include_self=True)):
        _targets_brought[id(settings)] = weakref.ref(settings)


def _brought_targets(settings: Any) -> bool:
    kept = _targets_brought.get(id(settings))
    return kept is not None and kept() is settings


class TargetsNamed:
    """What ``NodeMatcher(nodes.target, refname=name).findall(document)`` finds, from
    the page's list of targets."""

    def __init__(self, name: Any) -> None:
        self.name = name

    def findall(self, node: Any) -> Iterator[Any]:
        from docutils import nodes
        from sphinx.util.nodes import NodeMatcher

        if not isinstance(node, nodes.document) or _brought_targets(node.settings):
            return NodeMatcher(nodes.target, refname=self.name).findall(node)
        if _targets[0] is None or _targets[0]() is not node:
            _targets[:] = [weakref.ref(node), list(node.findall(nodes.target))]
        return (t for t in _targets[1] if "refname" in t and t.get("refname") == self.name)


def _node_matcher(*classes: type, **attrs: Any) -> Any:
    """``NodeMatcher`` for the i18n module: the title mapping's search goes through
    :class:`TargetsNamed`, every other search is upstream's."""
    from docutils import nodes

    if classes == (nodes.target,) and list(attrs) == ["refname"]:
        return TargetsNamed(attrs["refname"])
    return _installed["NodeMatcher"](*classes, **attrs)


#: The page whose first extraction is watched, and the watcher (one page at a time).
_watch: list[Any] = [None, None]


def watch_first_extraction(document: Any, watcher: Callable[[Any, str], None]) -> None:
    """Hand ``watcher`` every (node, message) of the next extraction of ``document``
    (Locale's first pass), as it is taken."""
    _watch[:] = [weakref.ref(document), watcher]


def watching(document: Any) -> bool:
    """Whether a watch of ``document`` is still waiting for its extraction."""
    return _watch[0] is not None and _watch[0]() is document


def _extract_messages(doctree: Any) -> Any:
    """``extract_messages`` for the i18n module: as upstream's, watched when asked."""
    found = _installed["extract_messages"](doctree)
    if not watching(doctree):
        return found
    watcher = _watch[1]
    _watch[:] = [None, None]
    return _watched(found, watcher)


def _watched(found: Any, watcher: Callable[[Any, str], None]) -> Iterator[tuple[Any, str]]:
    for node, message in found:
        watcher(node, message)
        yield node, message


def original(name: str) -> Callable[..., Any] | None:
    """The upstream function behind ``module:qualname`` while it is replaced here."""
    module, _, path = name.partition(":")
    short = path.rsplit(".", 1)[-1]
    if module in ("sphinx.util.nodes", "sphinx.transforms.i18n") and short in _installed:
        return _installed[short]
    return None


def install() -> None:
    from sphinx.transforms import i18n
    from sphinx.util import nodes as sphinx_nodes

    if _installed:
        return
    _installed["repr_domxml"] = sphinx_nodes.repr_domxml
    sphinx_nodes.repr_domxml = lazy_repr_domxml  # type: ignore[assignment]
    _installed["logger"] = sphinx_nodes.logger
    sphinx_nodes.logger = _DebugWhenShown(sphinx_nodes.logger)  # type: ignore[assignment]
    for name in REFERENCE_UPDATES:
        _installed[name] = getattr(i18n._NodeUpdater, name)
        setattr(i18n._NodeUpdater, name, _only_with_references(_installed[name]))
    _installed["NodeMatcher"] = i18n.NodeMatcher
    i18n.NodeMatcher = _node_matcher  # type: ignore[assignment,misc]
    _installed["extract_messages"] = i18n.extract_messages
    i18n.extract_messages = _extract_messages  # type: ignore[assignment]


def uninstall() -> None:
    from sphinx.transforms import i18n
    from sphinx.util import nodes as sphinx_nodes

    if not _installed:
        return
    sphinx_nodes.repr_domxml = _installed.pop("repr_domxml")  # type: ignore[assignment]
    sphinx_nodes.logger = _installed.pop("logger")  # type: ignore[assignment]
    for name in REFERENCE_UPDATES:
        setattr(i18n._NodeUpdater, name, _installed.pop(name))
    i18n.NodeMatcher = _installed.pop("NodeMatcher")  # type: ignore[misc]
    i18n.extract_messages = _installed.pop("extract_messages")  # type: ignore[assignment]
    _watch[:] = [None, None]
    _targets[:] = [None, []]
    _targets_brought.clear()


def rehome(document: Any) -> int:
    """Make every node of a translated page belong to the page's document; return how
    many did not.

    ``Locale`` moves each translation's nodes into the page but leaves them pointing at
    the throwaway document they were parsed in (one per message).  Every such document
    then goes into the page's pickled doctree with its own tree and reporter: the
    English doctrees were 2.4 times the size of the Korean ones, and writing and
    reading them back cost as much more.  ``setup_child`` would have pointed them at
    the page, as it does for nodes parsed there.
    """
    if _targets[0] is not None and _targets[0]() is document:
        _targets[:] = [None, []]  # Locale is done with this page
    moved = 0
    for node in document.findall():  # (docutils' fastest walk: no condition, self included)
        if node._document is not None and node._document is not document:
            node._document = document
            moved += 1
    return moved
