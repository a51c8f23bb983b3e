"""Authoring in one language: ``make html`` builds and checks both editions and fails on
translation drift; ``make html EDITIONS=ko`` builds the Korean one and says plainly that
the English one was not built."""

from __future__ import annotations

import subprocess
from pathlib import Path

from booktools import copy_of_the_book, make


def test_a_korean_edit_fails_make_html_but_builds_with_editions_ko(tmp_path: Path) -> None:
    book = copy_of_the_book(tmp_path / "book")
    page = book / "docs" / "concepts.md"
    text = page.read_text(encoding="utf-8")
    first = next(line for line in text.splitlines() if line and not line.startswith(("#", "`", ":", "|")))
    page.write_text(text.replace(first, first + " 이 문장은 방금 고쳤다.", 1), encoding="utf-8")
    both = subprocess.run(make("html"), cwd=book, capture_output=True, text=True, timeout=900)
    assert both.returncode != 0
    assert "docs/concepts.md:" in both.stdout + both.stderr and "untranslated" in both.stdout + both.stderr
    korean = subprocess.run(make("html", "EDITIONS=ko"), cwd=book, capture_output=True, text=True, timeout=900)
    assert korean.returncode == 0, korean.stdout[-3000:] + korean.stderr[-3000:]
    assert "build: 한국어 (ko) edition built" in korean.stdout
    assert "the English (en) edition was NOT built or checked (EDITIONS=ko)" in korean.stdout
    assert "이 문장은 방금 고쳤다." in (book / "_build" / "html" / "ko" / "concepts.html").read_text(encoding="utf-8")


def test_an_unknown_edition_is_refused_with_the_choices(tmp_path: Path) -> None:
    book = copy_of_the_book(tmp_path / "book")
    done = subprocess.run(make("html", "EDITIONS=fr"), cwd=book, capture_output=True, text=True, timeout=300)
    assert done.returncode != 0
    assert "EDITIONS takes ko and/or en, not fr" in done.stderr
