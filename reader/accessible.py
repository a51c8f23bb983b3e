"""A book that a keyboard or a screen reader reads as well as anyone (issue #14).

axe-core found four kinds of fault in the pages that Sphinx and furo write; each is
fixed here, at the narrowest place that reaches it, without switching off a rule:

- ``aria-required-attr``: Sphinx writes a toctree's caption as ``<p class="caption"
  role="heading">`` with no ``aria-level`` (ARIA requires one for that role). The
  written pages get ``aria-level="2"``: the captions head a list under the page's
  ``<h1>`` (in the text of the root page) or a navigation block beside it.
- ``landmark-unique``: furo's two sidebars are ``<aside>`` elements without names, so a
  screen reader lists two landmarks it cannot tell apart. The written pages name them,
  in the edition's language.
- ``page-has-heading-one``: furo's search page has no ``<h1>``; ``templates/search.html``
  gives it one (Sphinx's own translated word "Search").
- ``scrollable-region-focusable``: wide listings and outputs scroll sideways, but a
  keyboard could not reach them. ``static/accessible.js`` makes each block that really
  scrolls focusable (and only those, so the Tab key does not stop at every listing),
  again whenever the width changes; ``static/accessible.css`` shows where focus is.

The first two are attributes on markup that furo's ``page.html`` writes outside every
block a template could override (and ``bilingual`` already overrides ``page.html``, of
which there can be only one), hence a small post-processing step on the written pages,
run on every written page. The same step puts furo's few English
words of page furniture (the theme button's label, "Skip to content", "On this page")
into the Korean edition, so that a Korean screen-reader user hears Korean.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx

from outputcheck.running.files import write_atomic

HERE = Path(__file__).parent

# Names of furo's two <aside> landmarks, per edition.
LANDMARKS = {
    "ko": {"sidebar-drawer": "사이트 탐색", "toc-drawer": "이 페이지의 목차"},
    "en": {"sidebar-drawer": "Site navigation", "toc-drawer": "On this page"},
}

# furo's page furniture that it writes in English whatever the language.
FURNITURE = {
    "ko": {
        'aria-label="Toggle Light / Dark / Auto color theme"': 'aria-label="밝은 테마, 어두운 테마, 자동 전환"',
        'aria-label="Toggle site navigation sidebar"': 'aria-label="사이트 탐색 사이드바 열기/닫기"',
        'aria-label="Toggle table of contents sidebar"': 'aria-label="목차 사이드바 열기/닫기"',
    },
}
FURNITURE_TEXT = {
    "ko": {
        "skip-to-content": ("Skip to content", "본문으로 건너뛰기"),
        "toc-title": ("On this page", "이 페이지의 목차"),
    },
}

_CAPTION = re.compile(r'<p class="caption" role="heading"(?![^>]*\baria-level=)')
_ASIDE = re.compile(r'<aside class="(?P<cls>(?P<name>sidebar-drawer|toc-drawer)[^"]*)"(?![^>]*\baria-label=)')


def accessible(html: str, language: str | None) -> str:
    """The page ``html`` with the fixes above; idempotent (a fixed page stays as it is)."""
    words = LANDMARKS.get(language or "en", LANDMARKS["en"])
    html = _CAPTION.sub('<p class="caption" role="heading" aria-level="2"', html)
    html = _ASIDE.sub(lambda m: f'<aside class="{m["cls"]}" aria-label="{words[m["name"]]}"', html)
    for old, new in FURNITURE.get(language or "en", {}).items():
        html = html.replace(old, new)
    for cls, (old, new) in FURNITURE_TEXT.get(language or "en", {}).items():
        # <a class="skip-to-content ...">  Skip to content</a>, <span class="toc-title"> On this page </span>
        html = re.sub(rf'(<(?:a|span) class="{cls}[^"]*"[^>]*>\s*){re.escape(old)}(\s*<)', rf"\g<1>{new}\g<2>", html)
    return html


def _fix_written_pages(app: Sphinx, exception: Exception | None) -> None:
    """After the pages are written (and their timelines placed): fix every page.

    Every page of the output folder, not only those written by this build: the step is
    idempotent and quick, and a parallel build (``-j``) writes pages in other processes.
    """
    if exception is not None or app.builder.name not in ("html", "dirhtml"):
        return
    outdir = Path(app.outdir)
    for path in sorted(outdir.rglob("*.html")):
        if "_static" in path.relative_to(outdir).parts:
            continue
        text = path.read_text(encoding="utf-8")
        fixed = accessible(text, app.config.language)
        if fixed != text:
            write_atomic(path, fixed.encode("utf-8"))


def _add_templates(app: Sphinx, config: Any) -> None:
    config.templates_path = [*config.templates_path, str(HERE / "templates")]


def setup(app: Sphinx) -> None:
    app.add_css_file("accessible.css")
    app.add_js_file("accessible.js", loading_method="defer")
    app.connect("config-inited", _add_templates)
    # after outputcheck places the timelines (500), before the build is marked whole (900)
    app.connect("build-finished", _fix_written_pages, priority=800)
