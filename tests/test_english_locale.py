"""What the English edition no longer computes for nothing (bilingual/fastlocale.py,
bilingual/collection.py, the catalogs read from their .mo), and that nothing it did
compute for something was lost: debug records, reference warnings, title targets,
fuzzy and untranslated texts, the collector's settings after a build."""

from __future__ import annotations

import gc
import logging
import os
import sys
from pathlib import Path

import pytest
from booktools import build_edition, write_catalog
from docutils import nodes
from docutils.frontend import get_default_settings
from docutils.parsers.rst import Parser
from docutils.utils import new_document

from bilingual import catalogs, collection, fastlocale, fastmessages


@pytest.fixture
def installed():
    fastmessages.uninstall()
    assert fastmessages.install() == []
    try:
        yield
    finally:
        fastmessages.uninstall()


def test_a_skipped_node_is_logged_only_when_the_build_shows_debug(installed: None, monkeypatch: pytest.MonkeyPatch) -> None:
    from sphinx.util import nodes as sphinx_nodes

    upstream = fastlocale._installed["repr_domxml"]
    calls: list[object] = []
    monkeypatch.setitem(fastlocale._installed, "repr_domxml", lambda node, length=80: calls.append(node) or upstream(node, length))
    node = nodes.paragraph("", "a listing's note, with no source")
    records: list[logging.LogRecord] = []
    handler = logging.Handler(logging.DEBUG)
    handler.emit = records.append  # type: ignore[method-assign]
    logger = logging.getLogger("sphinx.sphinx.util.nodes")
    logger.addHandler(handler)
    old_level = logger.level
    try:
        logger.setLevel(logging.DEBUG)  # as Sphinx sets its loggers, whatever the verbosity
        fastlocale.show_debug(1)  # make html, -v
        assert sphinx_nodes.is_translatable(node) is False
        assert calls == [] and records == []  # not shown: no record made, nothing serialized
        fastlocale.show_debug(2)  # -vv
        assert sphinx_nodes.is_translatable(node) is False
    finally:
        fastlocale.show_debug(0)
        logger.setLevel(old_level)
        logger.removeHandler(handler)
    assert calls and all(c is node for c in calls)  # serialized when a handler formats the record
    assert [r.getMessage() for r in records] == [
        "[i18n] SKIP 'docutils.nodes.paragraph' because no node.source: " + upstream(node, 80)
    ]  # the record says what upstream's says


def _document() -> nodes.document:
    return new_document("page.md", get_default_settings(Parser))


def test_title_targets_are_found_from_the_list_until_a_translation_brings_one(installed: None) -> None:
    from sphinx.util.nodes import NodeMatcher

    doc = _document()
    section = nodes.section()
    doc += section
    kept = [nodes.target(refname="old title"), nodes.target(refname="other"), nodes.target(refname="old title")]
    for target in kept:
        section += target
    ours = list(fastlocale.TargetsNamed("old title").findall(doc))
    assert ours == list(NodeMatcher(nodes.target, refname="old title").findall(doc)) == [kept[0], kept[2]]
    # A target that a translation brought in after the list was made: only found
    # because the parse that brought it was reported.
    brought = nodes.paragraph()
    brought += nodes.target(refname="old title")
    section += brought
    assert brought[0] not in list(fastlocale.TargetsNamed("old title").findall(doc))  # what the report prevents
    fastlocale.note_published(doc.settings, brought)
    assert list(fastlocale.TargetsNamed("old title").findall(doc)) == [kept[0], kept[2], brought[0]]


def _book(tmp_path: Path, files: dict[str, str]) -> Path:
    """A throwaway book: its files by name (conf.py included)."""
    root = tmp_path / "book"
    root.mkdir()
    for name, text in files.items():
        (root / name).write_text(text)
    return root


def test_reference_updates_run_whenever_a_reference_is_there(tmp_path: Path) -> None:
    root = _book(tmp_path, {
        "conf.py": 'extensions = ["myst_parser", "bilingual.sphinx_ext"]\nlocale_dirs = ["locale/"]\n'
                   'gettext_compact = False\nexclude_patterns = ["_build", "locale"]\n',
        "index.md": "(top)=\n# 제목\n\n{ref}`처음으로 <top>` 문장.\n\n링크 없는 문장.\n",
    })
    write_catalog(root / "locale" / "en" / "LC_MESSAGES" / "index.po", {
        "제목": "Title",
        "{ref}`처음으로 <top>` 문장.": "A sentence without its link.",  # a reference lost
        "링크 없는 문장.": "A sentence with no link.",
    })
    status, out, warnings = build_edition(root, "en", root / "_build")
    assert "inconsistent term references in translated message" in warnings, warnings
    assert warnings.count("WARNING") == 1  # and none for the sentence that has no link
    html = (root / "_build" / "html" / "index.html").read_text(encoding="utf-8")
    assert "A sentence without its link." in html and "A sentence with no link." in html


def test_the_collector_is_as_it_was_after_a_build(tmp_path: Path) -> None:
    root = _book(tmp_path, {
        "probe.py": "import gc\nseen = []\ndef setup(app):\n    app.connect('doctree-read', lambda app, doctree: "
                    "seen.append((gc.get_threshold()[0], gc.get_freeze_count())))\n",
        "conf.py": 'import sys, os\nsys.path.insert(0, os.path.dirname(__file__))\n'
                   'extensions = ["myst_parser", "bilingual.sphinx_ext", "probe"]\nexclude_patterns = ["_build"]\n',
        "index.md": "# 제목\n\n문장.\n",
    })
    before = gc.get_threshold()
    status, _, warnings = build_edition(root, "ko", root / "_build")
    assert status == 0, warnings
    probe = sys.modules["probe"]
    try:
        (young, frozen), = probe.seen
        assert young == collection.YOUNG and frozen > 0  # paused while the page was read
    finally:
        del sys.modules["probe"]
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0  # and given back


def _catalog(tmp_path: Path, fuzzy: set[str]) -> Path:
    po = tmp_path / "page.po"
    write_catalog(po, {"번역된 문장": "A translated sentence", "흐릿한 문장": "A fuzzy sentence"}, fuzzy=fuzzy)
    return po


def _compile(po: Path) -> Path:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as handle:
        catalog = read_po(handle)
    mo = po.with_suffix(".mo")
    with mo.open("wb") as handle:
        write_mo(handle, catalog)  # fuzzy entries left out, as Sphinx compiles them
    return mo


def test_a_current_mo_answers_and_the_po_tells_fuzzy_from_untranslated(tmp_path: Path) -> None:
    po = _catalog(tmp_path, fuzzy={"흐릿한 문장"})
    _compile(po)
    found = catalogs.load(po)
    assert found.compiled == {"번역된 문장": "A translated sentence"}
    assert catalogs.judge(found, "번역된 문장") == ""
    assert catalogs.translation(found, "번역된 문장") == "A translated sentence"
    assert catalogs.judge(found, "흐릿한 문장") == "fuzzy"
    assert catalogs.judge(found, "없는 문장") == "untranslated"


def test_a_mo_older_than_its_po_is_not_read(tmp_path: Path) -> None:
    po = _catalog(tmp_path, fuzzy=set())
    mo = _compile(po)
    write_catalog(po, {"번역된 문장": "A translated sentence", "흐릿한 문장": "A fuzzy sentence"}, fuzzy={"번역된 문장"})
    os.utime(mo, ns=(po.stat().st_mtime_ns - 10**9, po.stat().st_mtime_ns - 10**9))
    found = catalogs.load(po)
    assert found.compiled == {}
    assert catalogs.judge(found, "번역된 문장") == "fuzzy"  # what the .po says now, not the old .mo
