"""The steps of a proposal, each on its own: values (1), lines that come and go (2),
pairing the lines every run has and naming the kinds that vary (3), candidates (4)."""

from __future__ import annotations

import re
from types import SimpleNamespace

from outputcheck.declaring.normalize import ANYWHERE, OptionalLine, VarySpec
from outputcheck.judging.propose import candidates
from outputcheck.judging.propose_kinds import Kinds
from outputcheck.judging.propose_lines import LinesInAndOut, joined_pattern, line_pattern
from outputcheck.judging.propose_pairs import (
    JOINED, core_lines, how_it_differs, merge, out_of_order, partners, shape,
)
from outputcheck.judging.propose_values import NOT_IN_FIRST_RUN, blank, general, note, values, volatile

# -- 1. values ----------------------------------------------------------------------------


def test_a_value_is_a_word_with_a_digit() -> None:
    line = "worker ThreadPoolExecutor-0_1 took 0.25 s, pid 4242."
    assert [token for _, _, token in values(line)] == ["ThreadPoolExecutor-0_1", "0.25", "4242"]
    assert values("no digits here") == []


def test_volatile_values_are_counted_differently_by_some_run() -> None:
    runs = [["pid 7 started", "pid 7 done", "took 3 s"], ["pid 8 started", "pid 8 done", "took 3 s"]]
    assert volatile(runs) == {"7", "8"}


def test_blank_keeps_the_shape_of_a_line() -> None:
    assert blank("took 0.25 s") == blank("took 12.5 s") == "took \0 s"
    assert blank("/data    0  20K") == blank("/data  20K    0")
    assert blank("pid 7 of 9", keep=lambda token: token == "9") == "pid \0 of 9"


def test_general_patterns_match_values_like_the_token() -> None:
    for token, other in [("0x7f3a", "0x10"), ("0.25", "13.5"), ("Task-12", "Task-3")]:
        assert re.fullmatch(general(token), other)
    assert not re.fullmatch(general("Task-12"), "Thread-3")


def test_notes_are_numbered_as_in_the_first_run() -> None:
    first = ["$ python3 x.py", "a", "b"]
    assert note(first, "b", "it varied") == (3, "line 3: it varied")
    assert note(first, "c", "in 1 of 2 runs: c") == (NOT_IN_FIRST_RUN, "not in the first run, in 1 of 2 runs: c")


# -- 2. lines that come and go --------------------------------------------------------------


def test_split_data_becomes_a_joined_pattern() -> None:
    runs = [["$ c", "received b'abc'", "done"], ["$ c", "received b'a'", "received b'bc'", "done"]]
    found = LinesInAndOut(runs)
    assert found.joined == [r"received b'(.*)'"]
    assert found.optional == []
    assert found.notes == [(2, "line 2: the same data in 1 to 2 lines: received b'...")]


def test_a_line_in_some_runs_only_becomes_optional() -> None:
    runs = [["$ c", "start", "note: slow (0.51 s)", "end"], ["$ c", "start", "end"]]
    found = LinesInAndOut(runs)
    assert found.optional == [OptionalLine(r"note: slow \(\d+\.\d+ s\)")]
    assert found.notes == [(3, "line 3: in 1 of 2 runs: note: slow (0.51 s)")]


def test_a_line_that_only_changed_is_not_optional() -> None:
    runs = [["$ c", "count 1", "end"], ["$ c", "total 1", "end"]]
    assert LinesInAndOut(runs).optional == []


def test_joined_and_line_patterns() -> None:
    assert joined_pattern(["got 'ab'", "got 'c'"]) == "got '(.*)'"
    assert joined_pattern(["same", "same"]) is None
    assert joined_pattern(["no quote 1", "no quote 2"]) is None
    assert line_pattern(["pid 7 at 0.5", "pid 9 at 0.5"]) == r"pid \d+ at \d+\.\d+"
    assert line_pattern(["step 3 done"]) == "step 3 done"


# -- 3. the lines every run has -------------------------------------------------------------


def test_core_lines_leave_out_optional_lines_and_join_groups() -> None:
    run = ["$ c", "x 1", "got 'a'", "got 'b'", "debug", "end"]
    core = core_lines(run, [OptionalLine("debug")], ["got '(.*)'"])
    assert core == [(1, 1, "$ c"), (2, 2, "x 1"), (3, 4, JOINED + "ab"), (6, 6, "end")]


def test_partners_prefer_equal_text_then_lines_alike_but_for_values() -> None:
    reference = [(1, 1, "$ c"), (2, 2, "task a done"), (3, 3, "task b done"), (4, 4, "took 0.5 s")]
    other = [(1, 1, "$ c"), (2, 2, "task b done"), (3, 3, "took 0.7 s"), (4, 4, "task a done")]
    assert partners(reference, other, volatile=set()) == {0: 0, 1: 3, 2: 1, 3: 2}


def test_out_of_order_finds_the_smallest_permuted_ranges() -> None:
    reference = [(n, n, str(n)) for n in range(1, 7)]
    assert out_of_order(reference, {0: 0, 1: 2, 2: 1, 3: 3, 4: 5, 5: 4}) == [(2, 3), (5, 6)]
    assert out_of_order(reference, {i: i for i in range(6)}) == []
    assert merge([(5, 6), (2, 3), (3, 4), (2, 3)]) == [(2, 4), (5, 6)]


def test_shapes_and_how_a_line_differs() -> None:
    assert shape(["task a done", "task b done"]) == "task .* done"
    assert shape(["apple", "pear"]) is None
    assert how_it_differs("pid 7 up", {"pid 8 up", "pid 9 up"}) == "number 7 here, 8, 9 in other runs"
    assert how_it_differs("a 0 b 0", {"a 20K b 1"}) == "size 0 here, 20K in other runs; number 0 here, 1 in other runs"
    assert how_it_differs("pid 7 up", {"gone"}) == "other runs: 'gone'"


def test_kinds_name_the_narrowest_kind_that_varies() -> None:
    kinds = Kinds(["$ c", "took 0.25 s"], volatile={"0.25", "0.31"})
    kinds.explain("took 0.25 s", "took 0.31 s")
    assert kinds.kinds == {"float": False}
    kinds.explain("{1, 2}", "{2, 1}")
    assert kinds.item_order


def test_a_kind_keeps_identity_only_where_a_value_shows_twice_and_stays() -> None:
    first = ["$ c", "pid 7 up", "pid 7 down"]
    kinds = Kinds(first, volatile={"7", "8", "9"})
    kinds.explain("pid 7 up", "pid 8 up")
    kind = next(iter(kinds.kinds))
    kept = [[("pid 7 up", "pid 8 up"), ("pid 7 down", "pid 8 down")]]
    broken = [[("pid 7 up", "pid 8 up"), ("pid 7 down", "pid 9 down")]]
    assert kinds.keeps_identity(kind, kept)
    assert not kinds.keeps_identity(kind, broken)
    kinds.settle(kept)
    assert kinds.kinds[kind] is True


# -- 4. candidates ------------------------------------------------------------------------------


def found(**what: object) -> SimpleNamespace:
    base: dict[str, object] = {"optional": [], "joined": [], "unordered": [], "shapes": {}, "kinds": {}, "item_order": False}
    return SimpleNamespace(**{**base, **what})


def test_candidates_come_strictest_first() -> None:
    listed = candidates(VarySpec(), found(kinds={"float": False, "address": True}))
    strictest, everything_any = listed[0][0], listed[1][0]
    assert (strictest.kinds, strictest.any) == (("address",), ("float",))
    assert (everything_any.kinds, everything_any.any) == ((), ("address", "float"))
    assert [pairwise for _, pairwise in listed] == [True, True, False, False]


def test_unordered_lines_by_pattern_before_line_ranges() -> None:
    seen = found(unordered=[(3, 4), (6, 7)], shapes={(3, 4): r"task .* done", (6, 7): None})
    listed = [spec for spec, pairwise in candidates(VarySpec(), seen) if pairwise]
    assert len(listed) == 2  # with nothing else to vary, "everything any" is the same declaration
    by_pattern, by_lines = listed
    assert (by_pattern.shuffled, by_pattern.unordered) == ((r"task .* done",), ((6, 7),))
    assert (by_lines.shuffled, by_lines.unordered) == ((), ((3, 4), (6, 7)))


def test_candidates_keep_what_the_block_declared() -> None:
    declared = VarySpec(kinds=("address",), optional=(OptionalLine("debug", ANYWHERE),), joined=("got '(.*)'",))
    seen = found(optional=[OptionalLine("note")], joined=["got '(.*)'"], item_order=True)
    first = candidates(declared, seen)[0][0]
    assert first.kinds == ("address", "item-order")
    assert first.optional == (OptionalLine("debug"), OptionalLine("note"))
    assert first.joined == ("got '(.*)'",)
