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
        # The root page replaces itself while it loads: Chromium may then report its own,
        # unfinished request as aborted (seen once in a CI run). Nothing else may fail.
        left = f"failed request: {server}/index.html (net::ERR_ABORTED)"
        assert [p for p in problems if p != left] == []
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
    assert len(figures) == 6  # wait, wait with timeout, gather, as_completed; today: TaskGroup, timeout
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


# -- this edition's additions: "How it is written today" and the then-and-now page ----------

# protocols's 10.5.8.4 is now a pointer to 10.5.9 (streams); see test_moved_streams_section_*
TODAY_PAGES = ["coroutines", "scheduling", "futures", "tasks", "control", "synchronization", "subprocesses", "signals"]
ADDED = {"ko": "(이 판에서 더함)", "en": "(Added in This Edition)"}


def timeline_text(site: Path, edition: str, page: str, snippet: str) -> str:
    """The text alternative (SVG <desc>) of the timeline of ``snippet`` on ``page``."""
    import xml.etree.ElementTree as ET

    html = (site / edition / f"{page}.html").read_text(encoding="utf-8")
    for figure in re.findall(r'<figure class="asyncio-timeline-figure">(.*?)</figure>', html, flags=re.S):
        root = ET.fromstring(re.search(r"<svg.*?</svg>", figure, flags=re.S).group(0))
        title = root.find("{http://www.w3.org/2000/svg}title")
        if title is not None and f"{snippet}.py" in (title.text or ""):
            desc = root.find("{http://www.w3.org/2000/svg}desc")
            assert desc is not None and desc.text
            return desc.text
    raise AssertionError(f"no timeline of {snippet}.py on {edition}/{page}.html")


def lanes(text: str, edition: str) -> dict[str, dict[str, object]]:
    """Lane name -> when it stopped waiting, and how it ended (result/cancelled/exception)."""
    pattern = (
        r"^(?P<name>[^:\n]+): created at [\d.]+ ms, waits until (?P<done>[\d.]+) ms, (?P<how>result|cancelled|raised)"
        if edition == "en"
        else r"^(?P<name>[^:\n]+): [\d.]+ ms에 생성, (?P<done>[\d.]+) ms까지 대기, (?:[\d.]+ ms에 )?(?P<how>결과|취소|예외)"
    )
    words = {"결과": "result", "취소": "cancelled", "예외": "raised"}
    return {
        m["name"]: {"done": float(m["done"]), "how": words.get(m["how"], m["how"])}
        for m in re.finditer(pattern, text, flags=re.M)
    }


def own_lanes(found: dict[str, dict[str, object]]) -> dict[str, dict[str, object]]:
    """Without the clean-up tasks asyncio.run() runs itself (explained on the page)."""
    return {k: v for k, v in found.items() if not k.startswith("BaseEventLoop.")}


@pytest.mark.parametrize("edition", ["ko", "en"])
def test_taskgroup_timeline_beside_gather(site: Path, edition: str) -> None:
    """10.5.6.4: the TaskGroup version of gather draws the same lanes in the same order."""
    gather = lanes(timeline_text(site, edition, "control", "asyncio_gather"), edition)
    group_text = timeline_text(site, edition, "control", "asyncio_taskgroup_gather")
    group = own_lanes(lanes(group_text, edition))
    assert set(group) == set(gather) == {"main", "phase1", "phase2"}
    for done in (gather, group):
        assert done["phase2"]["done"] < done["phase1"]["done"] <= done["main"]["done"]
        assert all(lane["how"] == "result" for lane in done.values())
    # same sleeps, same shape: each phase ends within 0.3 s of its gather twin
    for name in ("phase1", "phase2"):
        assert abs(group[name]["done"] - gather[name]["done"]) < 300
    assert "results: ['phase1 result', 'phase2 result']" in group_text
    assert set(lanes(group_text, edition)) - set(group) <= {
        "BaseEventLoop.shutdown_asyncgens", "BaseEventLoop.shutdown_default_executor"}


@pytest.mark.parametrize("edition", ["ko", "en"])
def test_today_timelines_match_their_transcripts(site: Path, edition: str) -> None:
    # a failing task cancels its sibling at the moment it raises
    done = own_lanes(lanes(timeline_text(site, edition, "tasks", "asyncio_taskgroup_error"), edition))
    assert done["failing"]["how"] == "raised" and done["worker(2, 1)"]["how"] == "cancelled"
    assert done["worker(1, 0.1)"]["how"] == "result"
    assert done["worker(1, 0.1)"]["done"] < done["failing"]["done"]
    assert abs(done["worker(2, 1)"]["done"] - done["failing"]["done"]) < 50
    # asyncio.timeout(0.3): phase 2 (0.4 s) is cancelled at the limit, the others finish
    done = own_lanes(lanes(timeline_text(site, edition, "control", "asyncio_timeout"), edition))
    assert [done[f"phase({i})"]["how"] for i in range(3)] == ["result", "result", "cancelled"]
    assert done["phase(1)"]["done"] < done["phase(2)"]["done"] < 1000
    # the barrier: nobody passes before the last one arrives, then all pass together
    text = timeline_text(site, edition, "synchronization", "asyncio_barrier")
    done = own_lanes(lanes(text, edition))
    workers = [done[f"worker({n}, barrier)"]["done"] for n in range(3)]
    assert max(workers) - min(workers) < 50
    # TaskGroup: both tasks start only after main waits at the end of the block
    done = own_lanes(lanes(timeline_text(site, edition, "tasks", "asyncio_taskgroup"), edition))
    assert done["task_func(1)"]["done"] < done["task_func(2)"]["done"] <= done["main"]["done"]
    # callbacks on the running loop: 4 (soon), 3, 2, 1 (call_at)
    text = timeline_text(site, edition, "scheduling", "asyncio_call_later_today")
    called = [int(n) for n in re.findall(r"^callback\((\d)\)", text, flags=re.M)]
    assert sorted(called) == [1, 2, 3, 4]
    printed = re.findall(r"callback (\d) invoked", text)
    times = {n: float(t) for n, t in re.findall(r"'callback (\d) invoked'(?: at |\()([\d.]+) ms", text)}
    assert sorted(times, key=times.get) == ["4", "3", "2", "1"], (printed, times)


@pytest.mark.parametrize("edition", ["ko", "en"])
def test_every_today_section_is_marked_and_verified(browser, server: str, edition: str) -> None:
    context, page, problems = new_page(browser)
    try:
        for name in TODAY_PAGES:
            page.goto(f"{server}/{edition}/{name}.html", wait_until="networkidle")
            heading = page.locator("h2", has_text=ADDED[edition])
            assert heading.count() == 1, name
            section = page.locator("section", has=heading).last
            outputs = section.locator(".output-container")
            assert outputs.count() >= 1, name
            for i in range(outputs.count()):
                caption = outputs.nth(i).locator(".verified-on")
                assert caption.count() == 1 and "?" not in caption.inner_text(), name
            if edition == "en":
                assert not HANGUL.search(section.inner_text()), name
        assert problems == []
    finally:
        context.close()


@pytest.mark.parametrize("edition", ["ko", "en"])
def test_then_and_now_links_land_on_both_listings(browser, server: str, site: Path, edition: str) -> None:
    """Every row of the then-and-now table links to the original listing and to today's."""
    context, page, problems = new_page(browser)
    try:
        page.goto(f"{server}/{edition}/today.html", wait_until="networkidle")
        rows = page.locator("article table tbody tr")
        assert rows.count() >= 15
        targets = []
        for i in range(rows.count()):
            cells = rows.nth(i).locator("td")
            for column in (0, 1):  # the original way and example, today's way and this edition's example
                links = cells.nth(column).locator("a.reference.internal")  # not the API links
                assert links.count() >= 1, f"row {i + 1}, column {column + 1} has no link"
                for j in range(links.count()):
                    targets.append((links.nth(j).inner_text().strip(), links.nth(j).get_attribute("href")))
        for name, href in targets:
            assert name.endswith(".py"), name
            page.goto(f"{server}/{edition}/{href}", wait_until="domcontentloaded")
            anchor = href.split("#", 1)[1]
            caption = page.evaluate(
                """id => {
                    const el = document.getElementById(id);
                    if (!el) return null;
                    const box = el.matches('.listing-container') ? el : el.querySelector('.listing-container');
                    return box ? box.querySelector('.caption-text').firstChild.textContent.trim() : '';
                }""",
                anchor,
            )
            assert caption == name, f"{href} shows {caption!r}, not {name}"
            assert (ROOT / "snippets" / name).is_file()
        assert problems == []
    finally:
        context.close()


STREAMS_LISTINGS = {
    "listing-asyncio-echo-server-streams": "asyncio_echo_server_streams.py",
    "listing-asyncio-echo-client-streams": "asyncio_echo_client_streams.py",
}


def listing_caption(page, anchor: str) -> str | None:
    """The caption of the listing an anchor lands on (None: no element with that id)."""
    return page.evaluate(
        """id => {
            const el = document.getElementById(id);
            if (!el) return null;
            const box = el.matches('.listing-container') ? el : el.querySelector('.listing-container');
            return box ? box.querySelector('.caption-text').firstChild.textContent.trim() : '';
        }""",
        anchor,
    )


@pytest.mark.parametrize("edition", ["ko", "en"])
def test_moved_streams_section_old_links_still_land(browser, server: str, edition: str) -> None:
    """The stream echo pair moved from 10.5.8.4 to 10.5.9: the then-and-now links, the old
    section anchor on protocols.html and its pointer all lead to the listings on streams.html."""
    context, page, problems = new_page(browser)
    try:
        page.goto(f"{server}/{edition}/today.html", wait_until="networkidle")
        hrefs = {}
        for anchor in STREAMS_LISTINGS:
            links = page.locator(f'article table a.reference.internal[href$="#{anchor}"]')
            assert links.count() == 1, anchor
            hrefs[anchor] = links.first.get_attribute("href")
            assert hrefs[anchor] == f"streams.html#{anchor}", hrefs[anchor]
        # a reader's old bookmark of the section still lands on its heading, which points on
        page.goto(f"{server}/{edition}/protocols.html#sec-10-5-8-4", wait_until="networkidle")
        section = page.locator("#sec-10-5-8-4").locator("xpath=..")  # the anchor opens its section
        assert section.count() == 1 and section.locator("h2").inner_text().startswith("10.5.8.4")
        pointers = section.locator("a.reference.internal")
        assert {pointers.nth(i).get_attribute("href") for i in range(pointers.count())} >= {
            f"streams.html#{anchor}" for anchor in STREAMS_LISTINGS}
        assert section.locator(".listing-container, .output-container").count() == 0  # moved, not copied
        for anchor, name in STREAMS_LISTINGS.items():
            section.locator(f'a.reference.internal[href="streams.html#{anchor}"]').click()
            page.wait_for_load_state("domcontentloaded")
            assert page.url.endswith(f"/{edition}/streams.html#{anchor}")
            assert listing_caption(page, anchor) == name
            page.go_back(wait_until="domcontentloaded")
        assert problems == []
    finally:
        context.close()


@pytest.mark.parametrize("edition, summary, changed", [
    ("ko", "이 실행을 검증하는 방법", "이 판에서 바꾼 점"),
    ("en", "How this run is checked", "Changed in this edition"),
])
def test_check_notes_fold_and_edition_boxes_have_their_own_title(
    browser, server: str, edition: str, summary: str, changed: str
) -> None:
    context, page, problems = new_page(browser)
    try:
        page.goto(f"{server}/{edition}/control.html", wait_until="networkidle")
        notes = page.locator("details.check-note")
        assert notes.count() >= 2
        first = notes.first
        assert first.locator("summary").inner_text().strip() == summary
        assert first.get_attribute("open") is None and not first.locator(".check-note-body").is_visible()
        first.locator("summary").click()
        assert first.locator(".check-note-body").is_visible()
        body = first.locator(".check-note-body").inner_text()
        assert ("results" in body) and (bool(HANGUL.search(body)) == (edition == "ko"))
        page.goto(f"{server}/{edition}/tasks.html", wait_until="networkidle")
        titles = page.locator(".admonition.edition-changed > .admonition-title").all_inner_texts()
        assert titles and all(t.strip() == changed for t in titles)
        assert page.locator("div.versionchanged").count() >= 1  # Python's own changes keep theirs
        assert problems == []
    finally:
        context.close()


@pytest.mark.parametrize("edition", ["ko", "en"])
def test_today_timelines_are_drawn_in_the_browser(browser, server: str, edition: str) -> None:
    context, page, problems = new_page(browser, viewport={"width": 390, "height": 844})
    try:
        page.goto(f"{server}/{edition}/control.html", wait_until="networkidle")
        figure = page.locator("figure.asyncio-timeline-figure", has=page.locator("svg title", has_text="asyncio_taskgroup_gather.py"))
        assert figure.count() == 1
        figure.scroll_into_view_if_needed()
        box = figure.locator("svg").bounding_box()
        assert box and 300 <= box["width"] <= 390 and box["height"] > 50
        labels = figure.locator("svg text.tl-lane").all_text_contents()
        assert labels[:3] == ["main", "phase1", "phase2"]
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        assert problems == []
    finally:
        context.close()
