"""Declarations relax exactly what they say: each kind, with cases that must match and
cases that must not."""

from __future__ import annotations

from pathlib import Path

import pytest

from outputcheck.reading.blocks import BlockError, make_block
from outputcheck.declaring.declarations import declarations
from outputcheck.judging.matching import matches
from outputcheck.declaring.normalize import AT_END, OptionalLine, VarySpec


def spec(**options: str) -> VarySpec:
    return declarations(options, 99)


def text(*lines: str) -> str:
    return "\n".join(["$ python3 demo.py", *lines])


# -- :any: against :vary: ---------------------------------------------------------

WORKERS = text("task 1 ran in ThreadPoolExecutor-0_0", "task 2 ran in ThreadPoolExecutor-0_1", "task 3 ran in ThreadPoolExecutor-0_0")
SWAPPED = text("task 1 ran in ThreadPoolExecutor-0_1", "task 2 ran in ThreadPoolExecutor-0_0", "task 3 ran in ThreadPoolExecutor-0_0")


def test_any_worker_matches_where_identity_cannot() -> None:
    worker = r"/ThreadPoolExecutor-\d+_\d+/"
    assert not matches(WORKERS, SWAPPED, spec(vary=worker))  # the assignment changed
    assert matches(WORKERS, SWAPPED, spec(any=worker))


def test_any_still_checks_the_text_around_the_value() -> None:
    worker = r"/ThreadPoolExecutor-\d+_\d+/"
    assert not matches(WORKERS, SWAPPED.replace("task 2", "task 4"), spec(any=worker))
    assert not matches(WORKERS, SWAPPED.replace("ran in", "ran on", 1), spec(any=worker))
    # a value of another kind is not a worker
    assert not matches(WORKERS, SWAPPED.replace("ThreadPoolExecutor-0_0", "MainThread", 1), spec(any=worker))


def test_vary_keeps_identity_both_ways() -> None:
    page = text("a 0xaa b 0xaa c 0xbb")
    assert matches(page, text("a 0x1 b 0x1 c 0x2"), spec(vary="address"))
    assert not matches(page, text("a 0x1 b 0x2 c 0x3"), spec(vary="address"))  # same became different
    assert not matches(page, text("a 0x1 b 0x1 c 0x1"), spec(vary="address"))  # different became same
    assert matches(page, text("a 0x1 b 0x2 c 0x1"), spec(any="address"))


def test_vary_identity_holds_across_lines_in_any_order() -> None:
    page = text("started pid 10", "started pid 20", "pid 20 exited", "pid 10 exited")
    pid = r"/(?<=pid )\d+/"
    run = text("started pid 7", "started pid 9", "pid 7 exited", "pid 9 exited")
    assert matches(page, run, spec(vary=pid, unordered="4-5"))
    wrong = text("started pid 7", "started pid 9", "pid 7 exited", "pid 8 exited")
    assert not matches(page, wrong, spec(vary=pid, unordered="4-5"))


def test_size_kind_takes_units_and_zero() -> None:
    page = text("/data   20K  1.5G   0  12%")
    assert matches(page, text("/data     0  1.6G  4K  13%"), spec(any="size"))
    assert matches(page, text("/data  512M  2T  3.2MiB  9%"), spec(any="size"))
    assert not matches(page, text("/home     0  1.6G  4K  13%"), spec(any="size"))
    assert not matches(page, text("/data  big  1.6G  4K  13%"), spec(any="size"))
    # a column is padded to its value: the spaces touching a value may vary, not vanish
    assert matches(page, text("/data 1023K  1.5G 100K  12%"), spec(any="size"))
    assert not matches(page, text("/data20K  1.5G   0  12%"), spec(any="size"))
    # without the size kind, a number does not cover 20K (the case that matched 22 of 30)
    assert not matches(page, text("/data     0  1.5G   0  12%"), spec(vary="number"))


def test_a_value_of_two_declared_kinds_matches_either() -> None:
    # 0 is a number and a size; 20K only a size: under both, one may become the other
    declared = spec(any="number, size")
    assert matches(text("free 20K of 3"), text("free 0 of 4"), declared)
    assert not matches(text("free 20K of 3"), text("free 0x1f of 4"), declared)


def test_a_kind_in_both_vary_and_any_is_an_error() -> None:
    with pytest.raises(ValueError, match="both :vary: .* and :any:"):
        spec(vary="float", any="float")


# -- :optional: --------------------------------------------------------------------

SLOW = r"/Executing <.*> took \d+\.\d+ seconds/"


def test_optional_lines_may_appear_anywhere_any_number_of_times() -> None:
    page = text("start", "middle", "end")
    executing = "Executing <Handle slow()> took 0.201 seconds"
    for run in (
        page,
        text(executing, "start", "middle", "end"),
        text("start", executing, executing, "middle", "end", executing),
    ):
        assert matches(page, run, spec(optional=SLOW))
    # and the page may show one that the run does not have
    assert matches(text("start", executing, "middle", "end"), page, spec(optional=SLOW))


def test_optional_lines_do_not_let_a_required_line_go_missing() -> None:
    page = text("start", "middle", "end")
    executing = "Executing <Handle slow()> took 0.201 seconds"
    assert not matches(page, text("start", executing, "end"), spec(optional=SLOW))
    assert not matches(page, text("start", "middle", "end", "extra"), spec(optional=SLOW))
    # the pattern matches whole lines only
    assert not matches(page, text("start", "middle", "end", "note: " + executing), spec(optional=SLOW))


def test_optional_lines_at_a_given_place() -> None:
    page = text("start", "middle", "end")
    trace = "Traceback (most recent call last):"
    at_end = spec(optional="at end /Traceback.*/")
    assert matches(page, text("start", "middle", "end", trace), at_end)
    assert not matches(page, text("start", trace, "middle", "end"), at_end)
    after = spec(optional="after 2 /Traceback.*/")  # line 2 is "start"
    assert matches(page, text("start", trace, trace, "middle", "end"), after)
    assert matches(text("start", trace, "middle", "end"), page, after)  # the page's own copy is optional
    assert not matches(page, text("start", "middle", trace, "end"), after)


def test_optional_declaration_is_read_and_checked() -> None:
    assert spec(optional=r"/a, b/, after 3 /c\/d/, at end /e/").optional == (
        OptionalLine("a, b"),
        OptionalLine(r"c\/d", 3),
        OptionalLine("e", AT_END),
    )
    with pytest.raises(ValueError, match="cannot read 'Executing.*write ':optional: /"):
        spec(optional="Executing .*")
    with pytest.raises(ValueError, match="must name a line of the block, 1-4"):
        declarations({"optional": "after 7 /x/"}, 4)
    with pytest.raises(ValueError, match="lies inside the unordered lines 3-5"):
        spec(optional="after 4 /x/", unordered="3-5")
    with pytest.raises(ValueError, match="not a valid regular expression"):
        spec(optional="/(/")


# -- :joined: -----------------------------------------------------------------------

RECEIVED = "/received b'(.*)'/"


def test_joined_lines_may_come_in_any_number_of_reads() -> None:
    page = text("connected", "received b'This is the message. It will be sent in parts.'", "closed")
    for reads in (
        ["This is the message. It will be sent in parts."],
        ["This is the mess", "age. It will be ", "sent in parts."],
        ["T", "his is the message. It will be sent in parts", "."],
    ):
        run = text("connected", *(f"received b'{r}'" for r in reads), "closed")
        assert matches(page, run, spec(joined=RECEIVED))


def test_joined_content_must_be_equal() -> None:
    page = text("connected", "received b'This is the message.'", "closed")
    assert not matches(page, text("connected", "received b'This is the '", "received b'massage.'", "closed"), spec(joined=RECEIVED))
    assert not matches(page, text("connected", "received b'This is the '", "closed"), spec(joined=RECEIVED))
    assert not matches(page, text("connected", "closed"), spec(joined=RECEIVED))
    # the rest of the line is checked by the pattern itself
    assert not matches(page, text("connected", "sent b'This is the message.'", "closed"), spec(joined=RECEIVED))


def test_joined_groups_may_move_inside_an_unordered_range() -> None:
    page = text("data b'three'", "data b'\\n'", "process exited", "exit code 0")
    declared = spec(joined="/data b'(.*)'/", unordered="2-4")
    assert matches(page, text("process exited", "data b'three\\n'", "exit code 0"), declared)
    assert matches(page, text("data b'th'", "data b'ree\\n'", "process exited", "exit code 0"), declared)
    assert not matches(page, text("process exited", "data b'three'", "exit code 0"), declared)


def test_joined_pattern_takes_at_most_one_group() -> None:
    with pytest.raises(ValueError, match="one group"):
        spec(joined="/(a)(b)/")
    assert spec(joined="/(?:a|b) (.*)/").joined == ("(?:a|b) (.*)",)


# -- :unordered:, item-order and what stays strict ---------------------------------


def test_unordered_lines_only_within_their_range() -> None:
    page = text("a", "b", "c", "d")
    assert matches(page, text("c", "b", "a", "d"), spec(unordered="2-4"))
    assert not matches(page, text("d", "b", "a", "c"), spec(unordered="2-4"))
    assert not matches(page, text("a", "a", "c", "d"), spec(unordered="2-4"))


def test_nothing_declared_means_equal_lines() -> None:
    assert matches(text("a  ", "b\r"), text("a", "b", ""), VarySpec())
    assert not matches(text("a"), text("a", "b"), VarySpec())
    assert not matches(text("took 0.5 s"), text("took 0.6 s"), VarySpec())


def test_a_pathological_search_gives_up_instead_of_hanging() -> None:
    many = [f"x 0x{i}" for i in range(12)]
    page = text(*many, "end")
    run = text(*reversed(many), "END")
    assert not matches(page, run, spec(vary="address", unordered="2-13"))


def test_blocks_read_the_new_options() -> None:
    block = make_block(
        Path("p.md"), 3, text("x"),
        {"any": "size", "optional": SLOW, "joined": RECEIVED, "host": "mount, ip"},
    )
    assert block.vary.any == ("size",) and block.vary.host == ("mount", "ip")
    assert "any size" in block.vary.label and "host mount" in block.vary.label
    with pytest.raises(BlockError, match=":host: names what this machine shows"):
        make_block(Path("p.md"), 3, text("x"), {"host": "kernel"})
    with pytest.raises(BlockError, match=":any: does not know 'worker'"):
        make_block(Path("p.md"), 3, text("x"), {"any": "worker"})
    # a changed declaration is a changed promise
    assert block.identity != make_block(Path("p.md"), 3, text("x"), {"any": "size"}).identity
