"""A reader sees which printed values change from run to run (issue #24, point 8).

On the pages whose output blocks declare varying values (protocols: ports and the
selector; scheduling: loop times), in both editions and both themes: each value is
marked (a dotted underline), has a tooltip and, for a screen reader, the words
"실행할 때마다 달라짐" / "differs on every run" after it; axe finds nothing; and the text
a reader selects and copies is the output as printed, without the words.
"""

from __future__ import annotations

import re

import pytest
from browsing import open_context

LABEL = {"ko": "실행할 때마다 달라짐", "en": "differs on every run"}
PAGES = ["protocols.html", "scheduling.html"]


@pytest.fixture(scope="module")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("edition", ["ko", "en"])
def test_varying_values_are_marked_labelled_and_accessible(browser, server: str, axe, edition: str, theme: str) -> None:
    context, problems = open_context(browser, theme)
    page = context.new_page()
    try:
        for name in PAGES:
            page.goto(f"{server}/{edition}/{name}", wait_until="load")
            marks = page.locator("pre .varies")
            assert marks.count() >= 3, f"{edition}/{name}: {marks.count()} marks"
            first = marks.first
            assert first.get_attribute("title") == LABEL[edition]
            style = first.evaluate(
                "e => [getComputedStyle(e).textDecorationStyle, getComputedStyle(e, '::after').content,"
                " getComputedStyle(e, '::after').position]"
            )
            assert style[0] == "dotted" and LABEL[edition] in style[1] and style[2] == "absolute", style
            # what a screen reader hears: the value, then the words
            spoken = page.locator("pre:has(.varies)").first.aria_snapshot()
            assert LABEL[edition] in spoken, spoken
            # what a reader copies: the output as printed, never the words
            copied = page.locator("pre:has(.varies)").first.evaluate("e => e.innerText")
            assert LABEL[edition] not in copied and copied.startswith("$ python3"), copied[:200]
            violations = axe.run(page).response["violations"]
            assert not violations, [f"{v['id']}: {v['help']} ({edition}/{name}, {theme})" for v in violations]
        assert not problems, problems
    finally:
        context.close()


def test_a_marked_value_is_the_one_the_check_lets_vary(browser, server: str) -> None:
    context, _ = open_context(browser)
    page = context.new_page()
    try:
        page.goto(f"{server}/en/scheduling.html", wait_until="load")
        values = page.locator("pre .varies").all_inner_texts()
        assert values and all(re.fullmatch(r"-?\d+\.\d+", v) for v in values), values  # :vary: float
    finally:
        context.close()


def test_a_mark_covers_the_value_only(browser, server: str) -> None:
    """The selector's name, not "Using selector: "; clients' ports, not the port 10000
    the book shows for the server (the build gives the server its port, shown as 10000)."""
    context, _ = open_context(browser)
    page = context.new_page()
    try:
        page.goto(f"{server}/en/protocols.html", wait_until="load")
        values = page.locator("pre .varies").all_inner_texts()
        assert "EpollSelector" in values, values
        assert all(v == "EpollSelector" or (v.isdigit() and v != "10000") for v in values), values
        assert page.locator("pre", has_text="port 10000").count() >= 1
    finally:
        context.close()
