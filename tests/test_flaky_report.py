"""The flaky report lists only moves the declarations do not allow."""

from __future__ import annotations

from pathlib import Path

from outputcheck.judging.compare import _moved_lines
from outputcheck.reading.pages import scan_text


def block(options: list[str], text: str):
    head = "\n".join(options) + "\n\n" if options else ""
    (found,) = scan_text(Path("p.md"), "```{output}\n" + head + text + "\n```\n")
    return found.block()


def test_lines_shifted_by_an_insertion_did_not_move() -> None:
    a = ["$ python3 x.py", "start", "middle", "end"]
    b = ["$ python3 x.py", "note", "note 2", "start", "middle", "end"]
    assert _moved_lines(a, b) == []


def test_a_real_move_is_listed_and_a_declared_one_is_not() -> None:
    text = "$ python3 x.py\nstart\ntask a done\ntask b done\nproducer: waiting\nend"
    a = text.split("\n")
    b = ["$ python3 x.py", "start", "task b done", "producer: waiting", "task a done", "end"]
    plain = block([], text)
    moved = {line for line, _, _ in _moved_lines(a, b, plain)}
    assert moved == {"task a done", "task b done", "producer: waiting"}
    declared = block([r":unordered: /task \w+ done/"], text)
    assert _moved_lines(a, b, declared) == []  # only the tasks swapped around the producer line, as declared
    ranged = block([":unordered: 3-5"], text)
    assert _moved_lines(a, b, ranged) == []
