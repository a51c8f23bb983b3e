"""The two notes of reader/notes.py in real builds of a throwaway bilingual book:
``{checknote}`` folds away in HTML and is a plain box in EPUB, ``{editionchanged}`` is
titled by edition, and the bodies of both are translated through the catalogs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from booktools import build_edition, write_catalog

CONF = """
extensions = ["myst_parser", "outputcheck.sphinx_ext", "bilingual.sphinx_ext", "reader"]
exclude_patterns = ["_build", "_cache", "snippets", "locale"]
outputcheck_snippets = "snippets"
outputcheck_cache = "_cache"
locale_dirs = ["locale/"]
gettext_compact = False
html_theme = "furo"
version = "1"
copyright = "2026, test"
"""

PAGE = """\
# 메모

본문이다.

```{output}
$ python3 hello.py
hello
```

```{checknote}
빌드는 출력을 글자 그대로 비교한다.
```

```{editionchanged}
이 판에서 문자열을 고쳤다.
```

```{versionchanged} 3.12
파이썬이 바뀌었다.
```
"""

TRANSLATIONS = {
    "메모": "Notes",
    "본문이다.": "This is the text.",
    "빌드는 출력을 글자 그대로 비교한다.": "The build compares the output character for character.",
    "이 판에서 문자열을 고쳤다.": "This edition corrected the string.",
    "파이썬이 바뀌었다.": "Python changed.",
}


@pytest.fixture
def book(tmp_path: Path) -> Path:
    root = tmp_path / "book"
    (root / "snippets").mkdir(parents=True)
    (root / "conf.py").write_text(CONF)
    (root / "index.md").write_text(PAGE)
    (root / "snippets" / "hello.py").write_text('print("hello")\n')
    messages = root / "locale" / "en" / "LC_MESSAGES"
    write_catalog(messages / "index.po", TRANSLATIONS)
    write_catalog(messages / "snippets.po", {})
    return root


def build(root: Path, language: str, builder: str = "html") -> str:
    status, _, warnings = build_edition(root, language, root / "_build" / f"{builder}-{language}", builder)
    assert status == 0, warnings
    assert "WARNING" not in warnings and "ERROR" not in warnings, warnings
    out = root / "_build" / f"{builder}-{language}" / builder
    page = out / "index.xhtml" if builder == "epub" else out / "index.html"
    return page.read_text(encoding="utf-8")


def check_note(html: str) -> str:
    found = re.search(r'<details class="check-note">(.*?)</details>', html, flags=re.S)
    assert found, "no <details class=\"check-note\"> in the page"
    return found.group(1)


def edition_box(html: str) -> str:
    found = re.search(r'<div class="edition-changed admonition">(.*?)</div>', html, flags=re.S)
    assert found, "no edition-changed admonition in the page"
    return found.group(1)


def test_korean_notes_fold_and_have_korean_titles(book: Path) -> None:
    html = build(book, "ko")
    note = check_note(html)
    assert "<summary>이 실행을 검증하는 방법</summary>" in note
    assert "빌드는 출력을 글자 그대로 비교한다." in note
    assert " open" not in html.split('<details class="check-note"', 1)[1].split(">", 1)[0]  # folded by default
    box = edition_box(html)
    assert '<p class="admonition-title">이 판에서 바꾼 점</p>' in box
    assert "이 판에서 문자열을 고쳤다." in box
    # Python's own changes keep Sphinx's box
    assert 'class="versionchanged"' in html


def test_english_notes_are_translated_through_the_catalog(book: Path) -> None:
    html = build(book, "en")
    note = check_note(html)
    assert "<summary>How this run is checked</summary>" in note
    assert "The build compares the output character for character." in note
    box = edition_box(html)
    assert '<p class="admonition-title">Changed in this edition</p>' in box
    assert "This edition corrected the string." in box
    assert not re.search(r"[\uac00-\ud7a3]", note + box)


def test_untranslated_note_body_fails_the_english_build(book: Path) -> None:
    catalog = book / "locale" / "en" / "LC_MESSAGES" / "index.po"
    write_catalog(catalog, {k: v for k, v in TRANSLATIONS.items() if not k.startswith("빌드는")})
    _, _, warnings = build_edition(book, "en", book / "_build" / "drift")
    assert "translation drift" in warnings
    assert "빌드는 출력을 글자 그대로 비교한다." in warnings


def test_epub_shows_the_check_note_as_a_plain_box(book: Path) -> None:
    xhtml = build(book, "en", builder="epub")
    assert "<details" not in xhtml
    found = re.search(r'<div class="check-note"><p class="check-note-title">How this run is checked</p>(.*?)</div>', xhtml, flags=re.S)
    assert found and "character for character" in found.group(1)
