"""A diff shows the page's own lines and the run's, marks what differs, and marks only
the lines that differ."""

from __future__ import annotations

from pathlib import Path

from outputcheck.reading.blocks import make_block
from outputcheck.judging.compare import check
from outputcheck.declaring.declarations import declarations
from outputcheck.judging.diffs import LEGEND, render
from outputcheck.declaring.normalize import HostPaths, VarySpec
from outputcheck.running.runner import RunResult


def diff(expected: str, actual: str, **options: str) -> list[str]:
    vary = declarations(options, 99) if options else VarySpec()
    return render(expected, actual, vary, "expected (p.md:3)", "actual (python3 demo.py)").split("\n")


def test_the_page_and_run_texts_are_shown_with_marks_not_placeholders() -> None:
    out = diff("$ c\nstart\ntook 0.50 s for 3 items\nend", "$ c\nstart\ntook 0.61 s for 4 items\nend", vary="float")
    assert out[:3] == ["--- expected (p.md:3)", "+++ actual (python3 demo.py)", LEGEND]
    i = out.index("-took 0.50 s for 3 items")
    assert out[i + 1] == "+took 0.61 s for 4 items"
    marks = out[i + 2]
    assert marks[1 + len("took "):].startswith("~~~~")  # the float may vary
    assert marks.index("^") == 1 + len("took 0.61 s for ")  # the count differs
    assert not any("<float" in line for line in out)
    assert " start" in out and " end" in out


def test_a_line_that_differs_only_where_declared_is_context() -> None:
    out = diff("$ c\ntook 0.50 s\nx", "$ c\ntook 0.61 s\ny", vary="float")
    assert " took 0.50 s" in out  # the page's line, unmarked
    assert "-x" in out and "+y" in out


def test_only_lines_that_differ_are_marked_when_counts_differ() -> None:
    page = "$ c\n" + "\n".join(f"line {i}" for i in range(1, 9))
    run = page.replace("line 3\n", "line 3\nline 3.5\n").replace("line 6\n", "")
    out = diff(page, run)
    assert [line for line in out if line[:1] in "+-" and not line.startswith(("---", "+++"))] == ["+line 3.5", "-line 6"]


def test_optional_lines_are_neither_missing_nor_extra() -> None:
    page = "$ c\nstart\nExecuting <Handle a()> took 0.2 seconds\nmiddle\nend"
    run = "$ c\nstart\nmiddle\nExecuting <Handle b()> took 0.3 seconds\nEND"
    out = diff(page, run, optional=r"/Executing <.*> took [\d.]+ seconds/")
    changed = [line for line in out[2:] if line[:1] in "+-"]
    assert changed == ["-end", "+END"]
    assert "~Executing <Handle b()> took 0.3 seconds" in out


def test_joined_groups_are_one_unit() -> None:
    page = "$ c\nreceived b'hello world'\nend"
    same = "$ c\nreceived b'hel'\nreceived b'lo world'\nEND"
    out = diff(page, same, joined="/received b'(.*)'/")
    assert " received b'hello world'" in out and [line for line in out[2:] if line[:1] in "+-"] == ["-end", "+END"]
    other = "$ c\nreceived b'hel'\nreceived b'lo wrld'\nend"
    out = diff(page, other, joined="/received b'(.*)'/")
    assert "-received b'hello world'" in out and "+received b'lo wrld'" in out


def test_lines_moved_inside_an_unordered_range_are_not_changes() -> None:
    out = diff("$ c\na\nb\nc\nd", "$ c\nc\nb\na\nX", unordered="2-4")
    assert [line for line in out[2:] if line[:1] in "+-"] == ["-d", "+X"]


def test_broken_identity_is_marked_on_the_value() -> None:
    out = diff("$ c\nfirst 0xaa again 0xaa", "$ c\nfirst 0x1 again 0x2", vary="address")
    assert "-first 0xaa again 0xaa" in out and "+first 0x1 again 0x2" in out
    marks = out[out.index("+first 0x1 again 0x2") + 1]
    assert marks[1:].startswith(" " * len("first ") + "~~~") and marks.rstrip().endswith("^^^")


def test_marks_line_up_under_wide_characters() -> None:
    out = diff("$ c\n결과 1개", "$ c\n결과 2개")
    marks = out[out.index("+결과 2개") + 1]
    assert marks.index("^") == 1 + 2 * 2 + 1  # two wide characters, then a space


def test_long_stretches_of_matching_lines_are_summarized() -> None:
    page = "$ c\n" + "\n".join(f"line {i}" for i in range(30))
    out = diff(page, page.replace("line 15", "line fifteen"))
    assert "[... 13 matching lines]" in out and "[... 11 matching lines]" in out and len(out) < 20


def test_a_server_block_diff_names_the_server_terminal(tmp_path: Path) -> None:
    block = make_block(Path("p.md"), 5, "$ python3 server.py\nserving\nstopped", {"client": "client"})
    result = RunResult(block.spec, "client output\n", 0, 0.1, server_output="serving\ninterrupted\n", server_returncode=0)
    verdict = check(block, result, HostPaths.for_run(tmp_path), 30)
    assert "+++ actual (python3 server.py)" in verdict.details
    assert "-stopped" in verdict.details and "+interrupted" in verdict.details
