"""The steps of matching, each on its own: one line against another (values), the page
as elements (layout), and the backtracking search over them (search)."""

from __future__ import annotations

import re

import pytest

from outputcheck.declaring.declarations import declarations
from outputcheck.declaring.normalize import VarySpec
from outputcheck.judging.layout import Joined, Line, PageLayout, Place, Unordered
from outputcheck.judging.search import GiveUp, Search
from outputcheck.judging.values import LineRules


def spec(**options: str) -> VarySpec:
    return declarations(options, 99)


# -- values: one line against another ------------------------------------------------


def test_spans_are_the_declared_values_of_a_line() -> None:
    rules = LineRules(spec(vary="float", any="address"))
    line = "took 0.25 s at 0x7f00"
    assert [line[s.start : s.end] for s in rules.spans(line)] == ["0.25", "0x7f00"]
    assert [rules.kinds[s.kind].name for s in rules.spans(line)] == ["float", "address"]
    assert LineRules(VarySpec()).spans(line) == []


def test_a_key_blanks_what_may_vary_and_nothing_else() -> None:
    rules = LineRules(spec(any="number"))
    assert rules.key("worker 3 of 4") == rules.key("worker 1 of 12")
    assert rules.key("worker 3 of 4") != rules.key("worker 3 in 4")


def test_a_line_binds_vary_values_both_ways() -> None:
    rules = LineRules(spec(vary="address"))
    bound = rules.line("a 0xaa", "a 0x1", {})
    assert bound is not None and len(bound) == 2
    assert rules.line("b 0xaa", "b 0x1", bound) == bound  # the same pair again
    assert rules.line("b 0xaa", "b 0x2", bound) is None  # 0xaa already stands for 0x1
    assert rules.line("b 0xbb", "b 0x1", bound) is None  # and 0x1 for 0xaa
    assert rules.line("a 0xaa", "A 0x1", {}) is None  # the text around must be equal


def test_any_values_bind_nothing() -> None:
    rules = LineRules(spec(any="address"))
    assert rules.line("a 0xaa", "a 0x1", {}) == {}
    assert rules.line("a 0xaa", "a 0x2", {}) == {}


def test_spaces_that_pad_a_value_may_vary_but_not_appear_from_nothing() -> None:
    rules = LineRules(spec(any="size"))
    assert rules.line("/data     0   20K", "/data   20K     0", {}) is not None
    assert rules.line("a5", "a 5", {}) is None


def test_bindable_refuses_a_value_already_taken() -> None:
    taken = {(0, 0, "10"): "7", (0, 1, "7"): "10"}
    assert LineRules.bindable(0, "10", "7", taken)
    assert not LineRules.bindable(0, "10", "8", taken)
    assert not LineRules.bindable(0, "11", "7", taken)


# -- layout: the page as elements -----------------------------------------------------


def test_plain_lines_are_line_elements() -> None:
    assert PageLayout(VarySpec()).elements(["a", "b"]) == [Line("a"), Line("b")]


def test_optional_lines_leave_the_page_and_places_appear_where_declared() -> None:
    layout = PageLayout(spec(optional=r"/debug .*/, after 2 /note/, at end /bye/"))
    elements = layout.elements(["$ cmd", "start", "debug x", "end"])
    assert elements == [
        Line("$ cmd"), Line("start"), Place((re.compile("note"),)), Line("end"), Place((re.compile("bye"),)),
    ]


def test_a_joined_group_is_one_element_with_its_parts_joined() -> None:
    layout = PageLayout(spec(joined=r"/got '(.*)'/"))
    elements = layout.elements(["got 'ab'", "got 'cd'", "done"])
    assert elements == [Joined(re.compile("got '(.*)'"), "abcd"), Line("done")]


def test_an_unordered_range_and_a_pattern_become_unordered_groups() -> None:
    by_range = PageLayout(spec(unordered="2-3")).elements(["a", "b", "c", "d"])
    assert by_range == [Line("a"), Unordered((Line("b"), Line("c"))), Line("d")]
    by_pattern = PageLayout(spec(unordered=r"/task \w+ done/")).elements(["task a done", "task b done", "end"])
    assert by_pattern == [Unordered((Line("task a done"), Line("task b done"))), Line("end")]


# -- search: a run against the elements ---------------------------------------------------


def search(elements: list, run: list[str], vary: VarySpec = VarySpec(), budget: int = 20_000) -> bool:  # noqa: B008
    return Search(LineRules(vary), elements, run, budget).run()


def test_lines_must_all_be_there_and_nothing_more() -> None:
    assert search([Line("a"), Line("b")], ["a", "b"])
    assert not search([Line("a"), Line("b")], ["a"])
    assert not search([Line("a"), Line("b")], ["a", "b", "c"])


def test_a_place_takes_any_number_of_its_lines() -> None:
    elements = [Line("a"), Place((re.compile("x"),)), Line("b")]
    assert search(elements, ["a", "b"])
    assert search(elements, ["a", "x", "x", "b"])
    assert not search(elements, ["a", "y", "b"])


def test_a_joined_group_takes_as_many_lines_as_its_content_needs() -> None:
    pattern = re.compile("got '(.*)'")
    elements = [Joined(pattern, "abcd"), Line("done")]
    assert search(elements, ["got 'a'", "got 'bcd'", "done"])
    assert search(elements, ["got 'abcd'", "done"])
    assert not search(elements, ["got 'abc'", "done"])


def test_unordered_items_in_any_order_with_identity_kept() -> None:
    vary = spec(vary=r"/(?<=pid )\d+/")
    elements = [Line("start pid 1"), Unordered((Line("end pid 1"), Line("end pid 2")))]
    assert search(elements, ["start pid 7", "end pid 8", "end pid 7"], vary)
    assert not search(elements, ["start pid 7", "end pid 8", "end pid 9"], vary)


def test_a_search_past_its_budget_gives_up() -> None:
    elements = [Unordered(tuple(Line(f"line {i}") for i in range(8)))]
    run = [f"line {i}" for i in range(8)][::-1]
    assert search(elements, run)
    with pytest.raises(GiveUp):
        search(elements, run, budget=5)
