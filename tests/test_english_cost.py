"""The English edition's cheaper message parsing (bilingual/fastmessages.py).

- It is checked against exact versions and the exact source of what it replaces or
  imitates: the first test fails as soon as Sphinx, myst-parser, markdown-it-py or
  mdit-py-plugins change under it (then re-check the new code and update CHECKED and
  SOURCES), and the guard leaves upstream alone when they differ.
- Message by message, against upstream's own ``_publish_msgstr``: the same nodes (type,
  attributes, text, line, source, document), the same page metadata, for every message
  of the real catalogs and for edge cases; a kept parse is handed out only while untouched.
- The real book, in a temporary copy: the English edition built with and without the
  patch gives the same bytes in every file of the HTML output, and the same page metadata.
"""

from __future__ import annotations

import copy
import os
import pickle
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po
from booktools import copy_of_the_book
from docutils import nodes
from docutils.frontend import get_default_settings
from myst_parser.parsers.sphinx_ import MystParser
from sphinx.testing.util import SphinxTestApp
from sphinx.transforms import i18n

from bilingual import fastmessages

ROOT = Path(__file__).resolve().parent.parent
CATALOGS = ROOT / "docs" / "locale" / "en" / "LC_MESSAGES"


def test_installed_packages_are_the_ones_checked() -> None:
    differs = fastmessages.mismatches()
    assert not differs, (
        "bilingual/fastmessages.py was checked against other versions or sources: "
        + "; ".join(differs)
        + ". Read the new upstream code of each function named in SOURCES (is the patch still needed? "
        "still equivalent?), then update CHECKED and SOURCES, or drop the module if upstream fixed it."
    )


def test_guard_leaves_upstream_alone_when_a_version_differs(monkeypatch: pytest.MonkeyPatch) -> None:
    fastmessages.uninstall()
    upstream = i18n._publish_msgstr
    monkeypatch.setitem(fastmessages.CHECKED, "myst-parser", "0.0.1")
    differs = fastmessages.install()
    assert differs and "myst-parser 5.2.0 (checked: 0.0.1)" in differs[0]
    assert i18n._publish_msgstr is upstream and not fastmessages.installed()


def test_guard_leaves_upstream_alone_when_a_source_differs(monkeypatch: pytest.MonkeyPatch) -> None:
    fastmessages.uninstall()
    upstream = i18n._publish_msgstr
    name = "myst_parser.mdit_to_docutils.base:DocutilsRenderer.setup_render"
    monkeypatch.setitem(fastmessages.SOURCES, name, "0" * 64)
    differs = fastmessages.install()
    assert differs == [f"{name}: source changed (sha256 {fastmessages.source_hash(name)[:12]}, checked: 000000000000)"]
    assert i18n._publish_msgstr is upstream


def test_install_and_uninstall() -> None:
    from myst_parser.mdit_to_docutils.base import DocutilsRenderer

    fastmessages.uninstall()
    upstream = (i18n._publish_msgstr, DocutilsRenderer.setup_render)
    assert fastmessages.install() == []
    assert i18n._publish_msgstr is fastmessages._fast_publish_msgstr
    assert DocutilsRenderer.setup_render is fastmessages._setup_render
    fastmessages.uninstall()
    assert (i18n._publish_msgstr, DocutilsRenderer.setup_render) == upstream


# -- message by message ---------------------------------------------------------------

#: Plain by fastmessages.plain (URLs too: the book enables no linkify), then not plain.
PLAIN = [
    "Plain words.",
    "A: b - c (d) 'e' \u201cf\u201d \u2014 g\u2026 h? i/j; k, l",
    "R\u00e9sum\u00e9 2 words, 3rd",
    "Einstein's law",
    "x",
    "Words  with  double spaces",
    "www.example.org and https://example.org",
    "`code` and text",
    "Call `asyncio.run()` once, then `loop.close()`.",
    "`x`",
    "(c) -- ... \"quotes\"",
    "1st",
    "10.5.1 Concepts",
    "\u201cQuoted\u201d \u2192 arrow \u2423",
    "(Added in this edition)",
    "`*not emphasis*` and `<b>`",
]
NOT_PLAIN = [
    "*emphasis*",
    "1) an item",
    "10. an item",
    "3.",
    "(name)=",
    "``double backticks``",
    "```fence",
    "a ` b",
    "` spaced`",
    "`spaced `",
    "`x`{.cls}",
    "a_b_ c",
    "1. an item",
    "- an item",
    "a & b",
    "a \\ b",
    "[a link](https://example.org)",
    "trailing two spaces  ",
    "{py:func}`asyncio.run`",
    "# heading",
    ": definition",
    "two\nlines",
    "Title\n==========",
    "::\n\n   literal",
    "<b>html</b>",
    "",
    " leading space",
]
EDGE_CASES = PLAIN + NOT_PLAIN


def catalog_messages() -> list[str]:
    found = []
    for po in sorted(CATALOGS.glob("*.po")):
        with po.open("rb") as handle:
            found += [m.string for m in read_po(handle) if m.id and isinstance(m.string, str) and m.string]
    return found


def describe(result: Any) -> list[tuple[Any, ...]]:
    """Everything about a parse result that a page could inherit from it."""
    root = result.document
    rows: list[tuple[Any, ...]] = [("parent", type(result.parent).__name__ if result.parent is not None else None)]
    for node in result.findall():
        attributes = dict(node.attributes) if isinstance(node, nodes.Element) else None
        rows.append((
            type(node).__name__, node.line, node.source, getattr(node, "rawsource", None), attributes,
            str(node) if isinstance(node, nodes.Text) else None, node.document is root, len(node.children),
        ))
    return rows


@pytest.fixture
def english(tmp_path: Path):
    """A MyST project in English, as the book configures MyST, with its environment
    set up to translate a page (what ``Locale`` gives ``_publish_msgstr``)."""
    (tmp_path / "conf.py").write_text(
        'extensions = ["myst_parser", "bilingual.sphinx_ext"]\n'
        'myst_enable_extensions = ["colon_fence", "deflist"]\nmyst_heading_anchors = 4\n'
    )
    (tmp_path / "index.md").write_text("# Title\n")
    app = SphinxTestApp("html", srcdir=tmp_path, confoverrides={"language": "en"})
    try:
        assert fastmessages.install() == []  # as the extension does when an English page is read
        app.env.prepare_settings("index")
        yield app
    finally:
        app.cleanup()
        fastmessages.uninstall()


def one_page(app: SphinxTestApp) -> dict[str, Any]:
    """What Locale passes ``_publish_msgstr`` for the messages of one page (one settings
    object: one parser for all of them)."""
    settings = get_default_settings(MystParser)
    settings.env = app.env
    return dict(config=app.config, env=app.env, registry=app.registry, settings=settings)


def publish_both(app: SphinxTestApp, message: str, line: int, kwargs: dict[str, Any]) -> tuple[list, dict, list, dict]:
    """Upstream's parse of a message and ours, and the page metadata each leaves."""
    upstream = fastmessages._installed["_publish_msgstr"]
    start = copy.deepcopy(app.env.metadata["index"])
    theirs = describe(upstream(message, "index.md", line, **kwargs))
    their_meta = copy.deepcopy(app.env.metadata["index"])
    app.env.metadata["index"] = copy.deepcopy(start)
    ours = describe(fastmessages._fast_publish_msgstr(message, "index.md", line, **kwargs))
    return theirs, their_meta, ours, copy.deepcopy(app.env.metadata["index"])


def test_plain_is_only_plain_text() -> None:
    assert [m for m in EDGE_CASES if fastmessages.plain(m)] == PLAIN


def test_every_message_parses_as_upstream_parses_it(english: SphinxTestApp) -> None:
    messages = catalog_messages() + EDGE_CASES
    plain = [m for m in messages if fastmessages.plain(m)]
    assert len(plain) > 500 and len(messages) - len(plain) > 100  # both ways are exercised
    assert len([m for m in plain if "`" in m]) > 200  # and code spans in plain lines
    assert fastmessages.installed()
    kwargs = one_page(english)
    for line, message in enumerate(messages, start=1):
        theirs, their_meta, ours, our_meta = publish_both(english, message, line, kwargs)
        assert ours == theirs, f"message {message!r} parses differently"
        assert our_meta == their_meta, f"message {message!r} leaves other metadata ({our_meta} != {their_meta})"


def test_a_kept_parse_is_handed_out_only_while_untouched(english: SphinxTestApp) -> None:
    assert fastmessages.install() == []
    kwargs = one_page(english)
    message = "Use `asyncio.run()` here."
    first = fastmessages._fast_publish_msgstr(message, "index.md", 7, **kwargs)
    english.env.metadata["index"]["wordcount"] = {"words": 99, "minutes": 9}
    second = fastmessages._fast_publish_msgstr(message, "index.md", 7, **kwargs)
    assert second is first  # Locale's second pass gets the first pass's unused parse
    assert english.env.metadata["index"]["wordcount"] == {"words": 2, "minutes": 0}  # as a parse leaves it
    # Handed out once: the next call on the same message parses afresh.
    third = fastmessages._fast_publish_msgstr(message, "index.md", 7, **kwargs)
    assert third is not first and describe(third) == describe(first)
    # Taken by a node (as Locale takes a title's parse in its first pass): never handed out.
    taker = nodes.paragraph()
    for child in third.children:
        child.parent = taker
    fourth = fastmessages._fast_publish_msgstr(message, "index.md", 7, **kwargs)
    assert fourth is not third and describe(fourth) == describe(first)
    assert fastmessages._fast_publish_msgstr(message, "index.md", 7, **kwargs) is fourth  # untouched: kept


def test_a_parse_that_logged_is_not_kept(english: SphinxTestApp) -> None:
    assert fastmessages.install() == []
    kwargs = one_page(english)
    message = "See [a][missing] and [b]: <x>\n\n[b]: https://example.org\n[b]: https://example.com"
    first = fastmessages._fast_publish_msgstr(message, "index.md", 3, **kwargs)
    assert "Duplicate reference definition" in english._warning.getvalue()
    second = fastmessages._fast_publish_msgstr(message, "index.md", 3, **kwargs)
    assert second is not first
    assert english._warning.getvalue().count("Duplicate reference definition") == 2  # as upstream: once per parse


# -- the real book ---------------------------------------------------------------------


def build_english(book: Path, builddir: str, *options: str) -> tuple[Path, str]:
    done = subprocess.run(
        [sys.executable, "-m", "bilingual.build", "--builddir", builddir, "--only", "en", "--",
         "--fail-on-warning", "--keep-going", "-v", *options],
        cwd=book, capture_output=True, text=True, timeout=600,
    )
    assert done.returncode == 0, f"the English build failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return book / builddir, done.stdout


def files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_the_english_book_is_byte_identical_with_and_without(tmp_path: Path) -> None:
    book = copy_of_the_book(tmp_path / "book")
    upstream, upstream_out = build_english(book, "_build_upstream", "-D", "bilingual_fast_messages=0")
    fast, fast_out = build_english(book, "_build_fast")
    assert "translated messages published" not in upstream_out
    published = re.search(r"bilingual: (\d+) translated messages published: (\d+) parsed, (\d+) plain lines "
                          r"not parsed, (\d+) reused from Locale's first pass, 0 the upstream way", fast_out)
    assert published, f"the patched build did not use the patch:\n{fast_out[-3000:]}"
    calls, parsed, plain, reused = map(int, published.groups())
    assert calls == parsed + plain + reused and reused > 300 and plain > 50  # what makes it cheaper
    theirs, ours = files(upstream / "html" / "en"), files(fast / "html" / "en")
    assert sorted(ours) == sorted(theirs)
    assert len([name for name in ours if name.endswith(".html")]) >= 12
    differ = [name for name in sorted(ours) if ours[name] != theirs[name]]
    assert not differ, f"files of the English edition differ with the patch: {differ}"

    def metadata(builddir: Path) -> dict:
        with (builddir / "doctrees" / "html" / "en" / "environment.pickle").open("rb") as handle:
            return dict(pickle.load(handle).metadata)

    assert metadata(fast) == metadata(upstream)

    def foreign(builddir: Path) -> tuple[int, int]:
        """Nodes of the English doctrees that point at another document than their page's
        (the throwaway documents of translated messages), and the doctrees' bytes."""
        count = size = 0
        for path in sorted((builddir / "doctrees" / "html" / "en").glob("*.doctree")):
            size += path.stat().st_size
            with path.open("rb") as handle:
                tree = pickle.load(handle)
            count += sum(1 for n in tree.findall(include_self=False) if n._document not in (None, tree))
        return count, size

    (ours_foreign, ours_size), (theirs_foreign, theirs_size) = foreign(fast), foreign(upstream)
    assert theirs_foreign > 1000 and ours_foreign == 0  # rehomed (bilingual/fastlocale.py: rehome)
    assert ours_size < 0.7 * theirs_size, (ours_size, theirs_size)
