"""A timeline reads with the transcript beside it (issue #14, point 3), in a real browser.

Every printed tick names its line (a tooltip on hover, a box on keyboard focus, a name
for a screen reader), Tab walks the ticks in the order the lines were printed, and the
drawing's colours have the contrast WCAG asks for, measured in Chromium from the
rendered page (getComputedStyle) in furo's light and dark themes: text 4.5:1, marks
3:1. The screenshot ``timeline-tooltip.png`` shows a focused tick and its line.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from browsing import open_context

THEMES = ["light", "dark"]
TIMELINE_PAGES = [
    "control.html", "dns.html", "executors.html", "scheduling.html", "synchronization.html", "tasks.html",
    "subprocesses.html", "signals.html",
]


def open_page(browser, theme: str = "light", **options):
    context, problems = open_context(browser, theme, viewport={"width": 1280, "height": 900}, **options)
    page = context.new_page()
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    return context, page, problems


# -- contrast (WCAG 2.1: relative luminance, contrast ratio) ------------------------


def _rgba(css: str) -> tuple[float, float, float, float]:
    numbers = [float(n) for n in re.findall(r"[\d.]+", css)]
    if len(numbers) < 3:
        raise ValueError(f"not an rgb() colour: {css!r}")
    return (*numbers[:3], numbers[3] if len(numbers) > 3 else 1.0)  # type: ignore[return-value]


def _over(color: tuple[float, ...], alpha: float, background: tuple[float, ...]) -> tuple[float, ...]:
    """``color`` painted with ``alpha`` over an opaque ``background`` (sRGB blending, as browsers do)."""
    return tuple(alpha * c + (1 - alpha) * b for c, b in zip(color[:3], background[:3]))


def _luminance(rgb: tuple[float, ...]) -> float:
    def channel(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_contrast_arithmetic() -> None:
    assert round(contrast((0, 0, 0), (255, 255, 255)), 2) == 21.0
    assert round(contrast((118, 118, 118), (255, 255, 255)), 2) == 4.54  # the classic #767676
    assert _over((0, 0, 0), 0.5, (255, 255, 255)) == (127.5, 127.5, 127.5)


# What every drawing paints, read from the rendered page: the page's background behind
# the figure, the zebra rows' paint, and each text and mark with the paint that shows
# it (fill or stroke), its alpha, its paint opacity and the opacity of its groups.
PAINTS = """(svg) => {
  const opacity = (el) => { let o = 1; for (; el && el !== svg.parentNode; el = el.parentNode) o *= parseFloat(getComputedStyle(el).opacity); return o; };
  let bg = null;
  for (let el = svg.parentNode; el && el.nodeType === 1; el = el.parentNode) {
    const c = getComputedStyle(el).backgroundColor;
    if (c && c !== 'transparent' && !/rgba\\(.*,\\s*0\\)$/.test(c)) { bg = c; break; }
  }
  const paint = (el, prop) => {
    const s = getComputedStyle(el);
    return {cls: el.getAttribute('class') || el.tagName, what: prop, color: s[prop],
            alpha: parseFloat(s[prop + 'Opacity']) * opacity(el), text: el.textContent.slice(0, 30)};
  };
  const zebra = svg.querySelector('.tl-zebra');
  const marks = [];
  for (const el of svg.querySelectorAll('.tl-run, .tl-wait, .tl-result, .tl-exception')) marks.push(paint(el, 'fill'));
  for (const el of svg.querySelectorAll('.tl-call, .tl-cancel, .tl-print, .tl-axis')) marks.push(paint(el, 'stroke'));
  const texts = [...svg.querySelectorAll('text')].filter(t => !t.closest('.tl-tip')).map(t => paint(t, 'fill'));
  return {background: bg, zebra: zebra ? paint(zebra, 'fill') : null, marks, texts};
}"""

# A focused tick: its ring and line (marks), its box's edge (a mark) and the line in it.
FOCUSED = """(tick) => {
  const svg = tick.ownerSVGElement;
  const tip = svg.getElementById(tick.id.replace(/-p(\\d+)$/, '-t$1'));
  const s = (el) => getComputedStyle(el);
  return {
    visible: s(tip).visibility, ring: s(tick.querySelector('.tl-ring')).stroke,
    ringWidth: parseFloat(s(tick.querySelector('.tl-ring')).strokeWidth),
    line: s(tick.querySelector('.tl-print')).stroke, lineAlpha: parseFloat(s(tick.querySelector('.tl-print')).strokeOpacity),
    box: s(tip.querySelector('rect')).fill, edge: s(tip.querySelector('rect')).stroke,
    text: s(tip.querySelector('text')).fill, shown: tip.querySelector('text').textContent,
    title: tick.querySelector('title').textContent,
  };
}"""


@pytest.mark.parametrize("theme", THEMES)
def test_timeline_colours_have_enough_contrast(browser, server: str, artifacts: Path, theme: str) -> None:
    """Text 4.5:1 and marks 3:1 against the page, and against the zebra rows; a focused
    tick's ring 3:1 and its line 4.5:1 in its box: every timeline of both editions."""
    context, page, problems = open_page(browser, theme)
    lowest: dict[str, tuple[float, str]] = {}
    failures: list[str] = []

    def check(kind: str, ratio: float, floor: float, where: str) -> None:
        if kind not in lowest or ratio < lowest[kind][0]:
            lowest[kind] = (ratio, where)
        if ratio < floor:
            failures.append(f"{kind}: {ratio:.2f} < {floor} ({where})")

    try:
        drawings = 0
        for edition in ("ko", "en"):
            for name in TIMELINE_PAGES:
                page.goto(f"{server}/{edition}/{name}", wait_until="load")
                for index, svg in enumerate(page.locator("svg.asyncio-timeline").element_handles()):
                    drawings += 1
                    where = f"{edition}/{name} timeline {index + 1} [{theme}]"
                    seen = svg.evaluate(PAINTS)
                    page_bg = _rgba(seen["background"])
                    zebra = seen["zebra"]
                    backgrounds = [page_bg]
                    if zebra:
                        backgrounds.append(_over(_rgba(zebra["color"]), _rgba(zebra["color"])[3] * zebra["alpha"], page_bg))
                    for group, floor in (("texts", 4.5), ("marks", 3.0)):
                        for item in seen[group]:
                            color = _rgba(item["color"])
                            for bg in backgrounds:
                                shown = _over(color, color[3] * item["alpha"], bg)
                                label = "text" if group == "texts" else f"{item['cls']} ({item['what']})"
                                check(label, contrast(shown, bg), floor, f"{where}: {item['text']!r}")
                    # one focused tick per drawing
                    tick = svg.query_selector(".tl-tick")
                    if tick is None:
                        continue
                    tick.focus()
                    focused = tick.evaluate(FOCUSED)
                    assert focused["visible"] == "visible" and focused["ringWidth"] >= 2, focused
                    box = _rgba(focused["box"])
                    check("focus ring", contrast(_rgba(focused["ring"]), page_bg), 3.0, where)
                    check("box edge", contrast(_rgba(focused["edge"]), page_bg), 3.0, where)
                    check("text in box", contrast(_rgba(focused["text"]), box), 4.5, where)
                    check("focused tick", contrast(_over(_rgba(focused["line"]), focused["lineAlpha"], page_bg), page_bg), 3.0, where)
        assert drawings >= 2 * 25
        summary = "\n".join(f"  {kind}: lowest {ratio:.2f} ({where})" for kind, (ratio, where) in sorted(lowest.items()))
        (artifacts / f"timeline-contrast-{theme}.txt").write_text(
            f"{drawings} timelines, {theme} theme\n{summary}\n", encoding="utf-8")
        assert not failures, "\n".join(failures)
        assert {"text", "tl-run (fill)", "tl-wait (fill)", "tl-print (stroke)", "focus ring"} <= set(lowest)
        assert problems == []
    finally:
        context.close()


# -- the ticks -----------------------------------------------------------------------

TRANSCRIPTS = """() => [...document.querySelectorAll('figure.asyncio-timeline-figure')].map(fig => {
  const run = fig.previousElementSibling;
  const lines = run.querySelector('pre').textContent.replace(/\\n$/, '').split('\\n').slice(1);
  const ticks = [...fig.querySelectorAll('.tl-tick')];
  return {
    lines,
    titles: ticks.map(t => t.querySelector('title').textContent),
    labels: ticks.map(t => t.getAttribute('aria-label')),
    focusable: ticks.every(t => t.tabIndex === 0),
    desc: fig.querySelector('desc').textContent,
  };
})"""


def _same_line(text: str) -> str:
    """A line with what a block may declare varying (numbers, the order of items) set aside."""
    return "".join(sorted(re.sub(r"\d+(\.\d+)?", "0", text)))


@pytest.mark.parametrize("edition", ["ko", "en"])
def test_every_printed_tick_names_a_line_of_the_transcript(browser, server: str, edition: str) -> None:
    """The ticks of each timeline are the lines of the run shown above it, one for one
    (the run drawn is another run of the same listing: numbers and the order of items
    that the block declares varying may differ); each takes focus and is named."""
    context, page, problems = open_page(browser)
    try:
        drawings = 0
        for name in TIMELINE_PAGES:
            page.goto(f"{server}/{edition}/{name}", wait_until="load")
            for fig in page.evaluate(TRANSCRIPTS):
                drawings += 1
                assert fig["focusable"]
                assert Counter(map(_same_line, fig["titles"])) == Counter(map(_same_line, fig["lines"])), (
                    f"{name}: ticks {fig['titles']} / transcript {fig['lines']}")
                for title, label in zip(fig["titles"], fig["labels"], strict=True):
                    assert repr(title) in label, (title, label)
                    assert repr(title) in fig["desc"]  # the text alternative lists it, with its time
                    if edition == "en":
                        assert re.search(r" printed .* at \d+(\.\d+)? ms$", label), label
                    else:
                        assert re.search(r": \d+(\.\d+)? ms에 .* 출력$", label), label
        assert drawings == 25  # 12 of the original listings, 7 of this edition's 'today' sections, 1 of 10.5.11, 3 of 10.5.12-10.5.13, 2 of 10.5.14
        assert problems == []
    finally:
        context.close()


def test_tab_walks_the_ticks_and_shows_each_line(browser, server: str, artifacts: Path) -> None:
    """Focus a tick of asyncio_gather's timeline: the box shows its line; Tab moves to
    the next line printed and its box; the tick has a <title> for the hover tooltip."""
    context, page, problems = open_page(browser)
    try:
        page.goto(f"{server}/en/control.html", wait_until="load")
        figure = page.locator("figure.asyncio-timeline-figure").nth(2)  # asyncio_gather
        assert "asyncio_gather" in figure.locator("svg > title").text_content()
        ticks = figure.locator(".tl-tick")
        assert ticks.count() >= 5
        ticks.nth(0).focus()
        seen = []
        for k in range(ticks.count()):
            if k:
                page.keyboard.press("Tab")
            state = page.evaluate("""() => {
              const t = document.activeElement, svg = t.ownerSVGElement;
              const tips = [...svg.querySelectorAll('.tl-tip')].filter(g => getComputedStyle(g).visibility === 'visible');
              return {cls: t.getAttribute('class'), title: t.querySelector('title').textContent,
                      tips: tips.map(g => g.querySelector('text').textContent)};
            }""")
            assert state["cls"] == "tl-tick" and state["tips"] == [state["title"]], state
            seen.append(state["title"])
        transcript = figure.evaluate("f => f.previousElementSibling.querySelector('pre').textContent")
        assert seen == transcript.rstrip("\n").split("\n")[1:]  # Tab walks the transcript
        # the screenshot: a printed tick with its line, in the middle of the run
        target = ticks.nth(4)
        target.focus()
        label = target.get_attribute("aria-label")
        assert label == "phase2 printed 'done with phase2' at " + label.rsplit(" at ", 1)[1]
        # with the run it draws above it: the line in the box is a line of the transcript
        run = figure.locator("xpath=preceding-sibling::div[1]")
        run.scroll_into_view_if_needed()
        top, bottom = run.bounding_box(), figure.bounding_box()
        assert top and bottom
        out = artifacts / "screenshots" / "timeline-tooltip.png"
        page.screenshot(path=str(out), clip={
            "x": min(top["x"], bottom["x"]) - 8, "y": top["y"] - 8,
            "width": max(top["width"], bottom["width"]) + 16,
            "height": bottom["y"] + bottom["height"] - top["y"] + 16})
        assert out.stat().st_size > 5_000
        # with the mouse: the browser's own tooltip comes from the tick's <title>
        page.mouse.click(5, 5)
        assert figure.locator(".tl-tip").evaluate_all(
            "gs => gs.filter(g => getComputedStyle(g).visibility === 'visible').length") == 0
        assert target.locator("title").text_content() == "done with phase2"
        assert problems == []
    finally:
        context.close()


def test_lanes_are_drawn_in_the_order_the_tasks_started(site: Path) -> None:
    """asyncio_lock: unlock() is scheduled before the coroutines but runs after them."""
    html = (site / "en" / "synchronization.html").read_text(encoding="utf-8")
    svg = re.search(r'<svg[^>]*class="asyncio-timeline".*?</svg>', html, flags=re.S).group(0)  # type: ignore[union-attr]
    lanes = re.findall(r'<text class="tl-lane[^"]*"[^>]*>(?:<title>[^<]*</title>)?([^<]*)</text>', svg)
    assert lanes == ["main(loop)", "coro1(lock)", "coro2(lock)", "unlock(lock)"]
