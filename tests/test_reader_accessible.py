"""reader.accessible: the fixes to the written pages (issue #14), on furo's real markup."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from reader.accessible import accessible  # noqa: E402

PAGE = """<body>
<a class="skip-to-content muted-link" href="#furo-main-content">
  Skip to content
</a>
<button class="theme-toggle" aria-label="Toggle Light / Dark / Auto color theme"></button>
<aside class="sidebar-drawer">
  <p class="caption" role="heading"><span class="caption-text">차례</span></p>
</aside>
<article><p class="caption" role="heading"><span class="caption-text">Contents</span></p></article>
<aside class="toc-drawer no-toc">
  <span class="toc-title">
    On this page
  </span>
</aside>
</body>"""


def test_captions_get_a_level_and_asides_a_name() -> None:
    en = accessible(PAGE, "en")
    assert en.count('<p class="caption" role="heading" aria-level="2">') == 2
    assert '<aside class="sidebar-drawer" aria-label="Site navigation">' in en
    assert '<aside class="toc-drawer no-toc" aria-label="On this page">' in en
    assert "Skip to content" in en  # furo's English stays in the English edition


def test_korean_edition_speaks_korean() -> None:
    ko = accessible(PAGE, "ko")
    assert '<aside class="sidebar-drawer" aria-label="사이트 탐색">' in ko
    assert '<aside class="toc-drawer no-toc" aria-label="이 페이지의 목차">' in ko
    assert "본문으로 건너뛰기" in ko and "Skip to content" not in ko
    assert "On this page" not in ko and 'aria-label="Toggle Light' not in ko


def test_idempotent() -> None:
    for language in ("ko", "en"):
        once = accessible(PAGE, language)
        assert accessible(once, language) == once
