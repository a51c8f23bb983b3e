"""A reader with a keyboard or a screen reader gets the same book (issue #14, point 1).

axe-core (the copy bundled in ``axe-playwright-python``: nothing is fetched) runs on
every page of both editions and on the root page, in furo's light and dark themes,
with all of its default rules; any violation fails, listed by rule, impact, element
and page. Then, by hand, what axe cannot see: a keyboard reaches every block that
scrolls sideways, sees where focus is, and scrolls it with the arrow keys.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from browsing import open_context

THEMES = ["light", "dark"]


def pages(site: Path, edition: str) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in (site / edition).glob("*.html"))


def _without_scripts(route) -> None:
    """The root page sends a visitor on to an edition at once, by a script; its
    markup is checked as a reader without JavaScript gets it (its links work without)."""
    response = route.fetch()
    route.fulfill(response=response, headers={**response.headers, "content-security-policy": "script-src 'none'"})


@pytest.fixture(scope="module")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    engine = Axe()
    assert engine.axe_script.lstrip().startswith("/*! axe v4."), "axe-core 4.x is bundled"
    return engine


@pytest.fixture(scope="module")
def themed(browser):
    """One page per theme, reused for every page of the site (quicker than a context each)."""
    opened = {}
    for theme in THEMES:
        context, problems = open_context(browser, theme)
        page = context.new_page()
        page.route(re.compile(r"^http://127\.0\.0\.1:\d+/index\.html$"), _without_scripts)
        opened[theme] = (page, problems)
    yield opened
    for page, _ in opened.values():
        page.context.close()


def describe(violations: list[dict], path: str, theme: str) -> list[str]:
    return [
        f"  {v['id']} ({v['impact']}): {' '.join(map(str, node['target']))} on {path} [{theme}]: {v['help']}"
        for v in violations
        for node in v["nodes"]
    ]


def run_axe(axe, page, server: str, path: str, theme: str) -> list[str]:
    page.goto(f"{server}/{path}", wait_until="load")
    assert page.url.endswith("/" + path), f"{path} went to {page.url}"
    if path != "index.html":
        # the theme really is on (furo's CSS for the stored theme)
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        level = sum(map(int, re.findall(r"\d+", background)[:3]))
        assert (level < 150) == (theme == "dark"), f"{path} [{theme}]: background {background}"
    page.evaluate("document.fonts.ready.then(() => null)")
    return describe(axe.run(page).response["violations"], path, theme)


def axe_version(axe) -> str:
    return re.search(r"axe v([\d.]+)", axe.axe_script[:200]).group(1)  # type: ignore[union-attr]


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("edition", ["ko", "en"])
def test_axe_finds_no_violation(server: str, site: Path, axe, themed, artifacts: Path, edition: str, theme: str) -> None:
    """Every page of the edition, in the theme: 0 violations of any axe-core rule."""
    page, problems = themed[theme]
    found: list[str] = []
    paths = pages(site, edition)
    for path in paths:
        found += run_axe(axe, page, server, path, theme)
    report = "\n".join(found)
    (artifacts / f"axe-{edition}-{theme}.txt").write_text(
        f"axe-core {axe_version(axe)}: {len(paths)} pages of the {edition} edition, {theme} theme: "
        f"{len(found)} violation nodes\n{report}\n",
        encoding="utf-8",
    )
    assert len(paths) >= 10 and f"{edition}/search.html" in paths
    assert not found, f"axe-core {axe_version(axe)} found {len(found)} violation node(s):\n{report}"
    assert problems == []


@pytest.mark.parametrize("theme", THEMES)
def test_axe_finds_no_violation_on_the_root_page(server: str, axe, themed, theme: str) -> None:
    page, problems = themed[theme]
    found = run_axe(axe, page, server, "index.html", theme)
    assert page.locator("h1").count() == 1  # the page itself, not an edition
    assert not found, f"axe-core {axe_version(axe)} found {len(found)} violation node(s):\n" + "\n".join(found)
    assert problems == []


# -- the keyboard --------------------------------------------------------------------

# Elements that scroll sideways and cannot take focus, nor hold anything that can.
UNREACHABLE = """() => {
  const focusable = 'a[href], button, input, select, textarea, [tabindex]:not([tabindex="-1"])';
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    const style = getComputedStyle(el);
    if (!['auto', 'scroll'].includes(style.overflowX)) continue;
    if (el.scrollWidth <= el.clientWidth + 1 || el.getClientRects().length === 0) continue;
    if (el.matches(focusable) || el.querySelector(focusable)) continue;
    out.push(el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).trim().replace(/\\s+/g, '.') : '')
             + ' "' + el.textContent.trim().slice(0, 40) + '"');
  }
  return out;
}"""


@pytest.mark.parametrize("edition", ["ko", "en"])
def test_every_block_that_scrolls_takes_focus(browser, server: str, site: Path, edition: str) -> None:
    """On a desktop and on a phone, and after the window is narrowed: every block that
    scrolls sideways can be reached by Tab (and only those take focus)."""
    context, problems = open_context(browser, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        wide = 0
        for path in pages(site, edition):
            page.set_viewport_size({"width": 1280, "height": 900})
            page.goto(f"{server}/{path}", wait_until="load")
            page.evaluate("document.fonts.ready.then(() => null)")
            assert page.evaluate(UNREACHABLE) == [], f"{path} at 1280 px"
            wide += page.evaluate("document.querySelectorAll('[data-reader-scrolls]').length")
            # blocks that fit do not take focus
            still = page.evaluate("""() => [...document.querySelectorAll('article pre[tabindex]')]
                .filter(el => el.scrollWidth <= el.clientWidth + 1).length""")
            assert still == 0, f"{path}: {still} block(s) that do not scroll take focus"
            page.set_viewport_size({"width": 390, "height": 844})
            page.wait_for_function(f"() => !({UNREACHABLE})().length", timeout=5000)
        assert wide > 0  # the book has wide blocks at 1280 px
        assert problems == []
    finally:
        context.close()


def test_keyboard_reaches_and_scrolls_a_wide_output(browser, server: str, artifacts: Path) -> None:
    """Tab from the top of the page to the first wide output; focus shows; arrows scroll."""
    context, problems = open_context(browser, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(f"{server}/en/tasks.html", wait_until="load")
        page.evaluate("document.fonts.ready.then(() => null)")
        target = page.locator("div.output-container pre[data-reader-scrolls]").first
        target.evaluate("el => el.setAttribute('data-test-target', '')")
        for presses in range(1, 301):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.hasAttribute('data-test-target')"):
                break
        else:
            pytest.fail("300 presses of Tab never reached the wide output block")
        outline = target.evaluate(
            "el => { const s = getComputedStyle(el); return [s.outlineStyle, parseFloat(s.outlineWidth), s.outlineColor]; }")
        assert outline[0] != "none" and outline[1] >= 2, outline
        assert target.evaluate("el => el.matches(':focus-visible')")
        assert target.evaluate("el => el.scrollLeft") == 0
        for _ in range(5):
            page.keyboard.press("ArrowRight")
        page.wait_for_function("() => document.activeElement.scrollLeft > 0", timeout=5000)
        target.scroll_into_view_if_needed()
        target.screenshot(path=str(artifacts / "screenshots" / "wide-output-focused.png"))
        assert problems == []
    finally:
        context.close()


def test_landmarks_and_page_furniture_speak_the_edition_s_language(site: Path) -> None:
    """The two sidebars are named, in the edition's language; furo's English words of
    page furniture are Korean in the Korean edition."""
    for edition, names in {"ko": ["사이트 탐색", "이 페이지의 목차"], "en": ["Site navigation", "On this page"]}.items():
        for path in sorted((site / edition).glob("*.html")):
            html = path.read_text(encoding="utf-8")
            asides = re.findall(r'<aside class="(sidebar-drawer|toc-drawer)[^"]*" aria-label="([^"]+)"', html)
            assert [label for _, label in asides] == names, f"{path.name}: {asides}"
            assert 'role="heading">' not in html, f"{path.name}: a heading role without aria-level"
            if edition == "ko":
                for english in ("Toggle Light / Dark", "Toggle site navigation", "Skip to content", "On this page"):
                    assert english not in html, f"{path.name}: {english!r}"
