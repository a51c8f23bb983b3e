"""What a reader sees, in a real browser: both editions, switcher, search, copy, download."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[2]


def pages(site: Path, edition: str) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in (site / edition).glob("*.html"))


def new_page(browser, **context_options):
    context = browser.new_context(**context_options)
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"failed request: {r.url} ({r.failure})"))

    def check_response(response) -> None:
        if response.status >= 400:
            problems.append(f"HTTP {response.status}: {response.url}")

    page.on("response", check_response)

    def only_loopback(route) -> None:
        host = urlparse(route.request.url).hostname
        if host not in ("127.0.0.1", "localhost"):
            problems.append(f"request off the machine: {route.request.url}")
            route.abort()
        else:
            route.continue_()

    page.route("**/*", only_loopback)
    return context, page, problems


@pytest.mark.parametrize("edition", ["ko", "en"])
def test_every_page_loads_cleanly(browser, server: str, site: Path, edition: str) -> None:
    context, page, problems = new_page(browser)
    try:
        for path in pages(site, edition):
            page.goto(f"{server}/{path}", wait_until="networkidle")
            assert page.locator("html").get_attribute("lang") == edition, path
        assert problems == []
    finally:
        context.close()


def test_switcher_lands_on_the_same_section(browser, server: str) -> None:
    context, page, problems = new_page(browser)
    try:
        page.goto(f"{server}/ko/futures.html")
        ko_title = page.locator("h1").first.inner_text()
        page.locator(".edition-switcher a[hreflang=en]").click()
        page.wait_for_url(re.compile(r"/en/futures\.html$"))
        en_title = page.locator("h1").first.inner_text()
        assert ko_title.split()[0] == en_title.split()[0] == "10.5.4"
        assert not re.search(r"[\uac00-\ud7a3]", en_title)
        page.locator(".edition-switcher a[hreflang=ko]").click()
        page.wait_for_url(re.compile(r"/ko/futures\.html$"))
        assert problems == []
    finally:
        context.close()


@pytest.mark.parametrize("query", ["코루틴", "코루틴은"])
def test_korean_search_finds_the_coroutine_sections(browser, server: str, query: str) -> None:
    context, page, problems = new_page(browser)
    try:
        page.goto(f"{server}/ko/search.html?q={query}")
        page.wait_for_selector("#search-results ul.search li", timeout=15000)
        links = page.locator("#search-results ul.search li a").evaluate_all("els => els.map(e => e.getAttribute('href'))")
        assert any("coroutines.html" in (link or "") for link in links), links
        assert problems == []
    finally:
        context.close()


def test_copy_button_copies_exactly_the_listing(browser, server: str) -> None:
    context, page, problems = new_page(browser, permissions=["clipboard-read", "clipboard-write"])
    try:
        page.goto(f"{server}/ko/coroutines.html")
        first = page.locator("div.listing").first
        first.hover()
        first.locator("button.copybtn").click()
        copied = page.evaluate("navigator.clipboard.readText()")
        expected = (ROOT / "snippets" / "asyncio_coroutine.py").read_text(encoding="utf-8").rstrip("\n")
        assert copied.rstrip("\n") == expected
        assert not copied.startswith("$ ")
        # output blocks have no copy button: a prompt and output are never copied
        assert page.locator("div.output button.copybtn").count() == 0
        assert problems == []
    finally:
        context.close()


def test_download_link_serves_the_snippet(browser, server: str) -> None:
    context, page, problems = new_page(browser)
    try:
        page.goto(f"{server}/en/coroutines.html")
        link = page.locator("a.listing-download").first
        href = link.get_attribute("href")
        assert href and href.endswith("/asyncio_coroutine.py")
        response = page.request.get(f"{server}/en/{href}")
        assert response.ok
        assert response.body() == (ROOT / "snippets" / "asyncio_coroutine.py").read_bytes()
        assert problems == []
    finally:
        context.close()


@pytest.mark.parametrize("locale, edition", [("ko-KR", "ko"), ("en-US", "en"), ("de-DE", "en")])
def test_root_page_picks_the_reader_s_language(browser, server: str, locale: str, edition: str) -> None:
    context, page, problems = new_page(browser, locale=locale)
    try:
        page.goto(f"{server}/index.html")
        page.wait_for_url(re.compile(rf"/{edition}/index\.html$"))
        assert problems == []
    finally:
        context.close()


def test_dark_mode_follows_the_reader(browser, server: str) -> None:
    context, page, _ = new_page(browser, color_scheme="dark")
    try:
        page.goto(f"{server}/ko/index.html")
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        red, green, blue = map(int, re.findall(r"\d+", background)[:3])
        assert red + green + blue < 150, background
    finally:
        context.close()


@pytest.mark.parametrize("edition", ["ko", "en"])
@pytest.mark.parametrize("width, height, name", [(1280, 900, "desktop"), (390, 844, "mobile")])
def test_screenshots(browser, server: str, artifacts: Path, edition: str, width: int, height: int, name: str) -> None:
    context, page, problems = new_page(browser, viewport={"width": width, "height": height})
    try:
        page.goto(f"{server}/{edition}/protocols.html", wait_until="networkidle")
        out = artifacts / "screenshots" / f"protocols-{edition}-{name}.png"
        page.screenshot(path=str(out), full_page=False)
        assert out.stat().st_size > 10_000
        if name == "mobile":
            # the mobile layout hides the sidebar behind a button; no horizontal scroll
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        assert problems == []
    finally:
        context.close()


HANGUL = re.compile(r"[\uac00-\ud7a3\u3131-\u318e]")


def test_english_edition_has_no_korean_outside_the_switcher(site: Path) -> None:
    for page in sorted((site / "en").glob("*.html")):
        html = page.read_text(encoding="utf-8")
        body = html.split("<body", 1)[1]
        body = re.sub(r'<nav class="edition-switcher".*?</nav>', "", body, flags=re.S)
        body = re.sub(r"<script.*?</script>", "", body, flags=re.S)
        leftovers = HANGUL.findall(body)
        assert not leftovers, f"{page.name}: {''.join(leftovers[:40])}"


def test_every_korean_page_has_its_english_twin(site: Path) -> None:
    korean = {p.name for p in (site / "ko").glob("*.html")}
    english = {p.name for p in (site / "en").glob("*.html")}
    assert korean == english and "futures.html" in korean


@pytest.mark.parametrize("edition", ["ko", "en"])
def test_timelines_match_the_transcripts(site: Path, edition: str) -> None:
    """gather: results come back in argument order, but phase2 finishes first;
    as_completed: answers arrive in the order the phases finish (2, 1, 0)."""
    import xml.etree.ElementTree as ET

    page = (site / edition / "control.html").read_text(encoding="utf-8")
    figures = re.findall(r'<figure class="asyncio-timeline-figure">(.*?)</figure>', page, flags=re.S)
    assert len(figures) == 4  # wait, wait with timeout, gather, as_completed
    descs = []
    for figure in figures:
        svg = re.search(r"<svg.*?</svg>", figure, flags=re.S).group(0)
        root = ET.fromstring(svg)
        desc = root.find("{http://www.w3.org/2000/svg}desc")
        assert desc is not None and desc.text
        descs.append(desc.text)
    gather, as_completed = descs[2], descs[3]
    lane = re.compile(
        r"^(?P<name>\S+): created at \d+ ms, waits until (?P<done>\d+(?:\.\d+)?) ms"
        if edition == "en"
        else r"^(?P<name>\S+): \d+ ms에 생성, (?P<done>\d+(?:\.\d+)?) ms까지 대기",
        re.M,
    )
    done = {m["name"]: float(m["done"]) for m in lane.finditer(gather)}
    assert {"main", "phase1", "phase2"} <= set(done)
    assert done["phase2"] < done["phase1"] <= done["main"]  # phase2 finishes first ...
    assert "results: ['phase1 result', 'phase2 result']" in gather  # ... results in argument order
    done = {m["name"]: float(m["done"]) for m in lane.finditer(as_completed)}
    by_finish = [name[-2] for name in sorted((n for n in done if n.startswith("phase(")), key=done.get)]
    assert by_finish == ["2", "1", "0"]
    answers = re.findall(r"received answer 'phase (\d) result'", as_completed)
    assert answers == by_finish  # answers arrive in the order the phases finish
