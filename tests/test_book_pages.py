"""The real book: the page scanner (pytest, update mode) and the Sphinx directive read
every output block of every page identically."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import sphinx.locale
from sphinx.application import Sphinx

from outputcheck.verbs.config import load
from outputcheck.reading.pages import collect

ROOT = Path(__file__).resolve().parent.parent


def test_scanner_and_directive_agree_on_every_block(tmp_path: Path) -> None:
    project = load(ROOT)
    scanned, broken = collect(project.pages, project.root)
    assert broken == []
    app = Sphinx(
        srcdir=ROOT / "docs",
        confdir=ROOT,
        outdir=tmp_path / "out",
        doctreedir=tmp_path / "doctrees",
        buildername="dummy",
        status=StringIO(),
        warning=StringIO(),
        freshenv=True,
        confoverrides={"outputcheck_cache": str(tmp_path / "cache")},
    )
    try:
        app.build()
    finally:
        # Sphinx keeps its loaded translations in a global; a later in-process build
        # of another language would otherwise get this Korean book's labels.
        sphinx.locale.translators.clear()
    from_sphinx = [b for d in sorted(app.env.outputcheck_blocks) for b in app.env.outputcheck_blocks[d]]
    key = lambda b: (str(b.page), b.line)  # noqa: E731
    assert sorted(from_sphinx, key=key) == sorted(scanned, key=key)
    assert len(scanned) >= 9
