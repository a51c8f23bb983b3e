"""Every mistake in a declaration is reported at the block, with how to write it; no
traceback ever reaches an author (the parser and the matcher are fuzzed with random
and near-miss declarations)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from outputcheck.judging.diffs import render
from outputcheck.judging.matching import matches
from outputcheck.judging.propose import propose
from outputcheck.reading.pages import collect

TEXT = """$ python3 demo.py
server: received b'This is '
server: sent b'This is '
server: received b'the message'
server: sent b'the message'
worker PID  9998 took 0.25 s, 20K used (23%)
done"""


def page(options: list[str], text: str = TEXT) -> str:
    return "# P\n\nSome text.\n\n```{output}\n" + "\n".join(options) + "\n\n" + text + "\n```\n"


def blocks_of(tmp_path: Path, options: list[str], text: str = TEXT):
    (tmp_path / "snippets").mkdir(exist_ok=True)
    (tmp_path / "docs").mkdir(exist_ok=True)
    (tmp_path / "docs" / "p.md").write_text(page(options, text), encoding="utf-8")
    return collect(tmp_path / "docs", tmp_path / "snippets")


def test_a_joined_group_that_does_not_always_take_part_is_a_located_error(tmp_path: Path) -> None:
    blocks, broken = blocks_of(tmp_path, [":joined: /server: (?:received b'(.*)'|sent b'.*')/"])
    assert not blocks
    (error,) = broken
    message = f"{error.location}: {error.message}"
    assert message.startswith(str(Path("p.md")) + ":5: ") or ":5:" in message, message
    assert "does not take part in every line" in message
    assert "(?P<received>" in message  # how to write it instead


def test_named_groups_join_interleaved_lines_each_apart(tmp_path: Path) -> None:
    (block,), broken = blocks_of(tmp_path, [":joined: /server: (?:received b'(?P<received>.*)'|sent b'(?P<sent>.*)')/"])
    assert not broken
    other = TEXT.replace(
        "server: received b'This is '\nserver: sent b'This is '\nserver: received b'the message'",
        "server: received b'This is the mes'\nserver: received b'sage'\nserver: sent b'This is '",
    )
    assert other != TEXT and matches(block.text, other, block.vary)
    wrong = other.replace("received b'sage'", "received b'sags'")
    assert not matches(block.text, wrong, block.vary)
    assert "-server: " in render(block.text, wrong, block.vary, "page", "run")


NEAR_MISSES = [
    "/(a)(b)/", "/(?:x(.*)|y)/", "/x(.*)?/", "/(.*)+/", "/x(?=(a))/", "/(?P<a>x)|(b)/", "/(a)?(?P<b>c)/",
    "/[/", "/(/", "//", "/a\\/", "after 2 /x/", "at end", "/x/ /y/", "/x/,", ", /x/", "/x/,,/y/",
    "/(?<=a+)b/", "/(?P<n>a)(?P=n)/", "/\\d+/ junk", "float,", "float,,number", "florat", "/Task-\\d+",
    "2-1", "1-3", "3-99", "a-b", "4-6, /x", "host", "ip, moon", "after 0 /x/", "after 999 /x/",
    "/(?(1)a|b)/", "/(?<!x)(y)/", "/\\/", "/é(.*)/", "/(?i)(a)/", "/(a)|/", "/\\x/",
]
OPTIONS = ("vary", "any", "optional", "joined", "unordered", "host")


def random_pattern(rng: random.Random) -> str:
    pieces = ["(", ")", "(?:", "|", "?", "*", "+", ".", "\\d", "\\w", "[", "]", "a", "b", " ", "'", ",", "/", "\\/",
              "(?P<x>", "(?P<y>", "{2}", "^", "$", "(?=", "(?!", "(?<=a)", "received b'", "sent", "%", "\\"]
    return "".join(rng.choice(pieces) for _ in range(rng.randint(0, 9)))


def fuzz_cases(count: int) -> list[list[str]]:
    rng = random.Random(24)
    cases = [[f":{option}: {value}"] for option in OPTIONS for value in NEAR_MISSES]
    for _ in range(count):
        option = rng.choice(OPTIONS)
        body = random_pattern(rng)
        value = rng.choice([f"/{body}/", body, f"after {rng.randint(0, 9)} /{body}/", f"/{body}/, float"])
        cases.append([f":{option}: {value}"])
    return cases


@pytest.mark.parametrize("chunk", range(4))
def test_no_declaration_ever_raises_a_traceback(tmp_path: Path, chunk: int) -> None:
    cases = fuzz_cases(2000)[chunk::4]
    accepted = refused = 0
    run = TEXT.replace("9998", "10001").replace("0.25", "0.31").replace("This is '\nserver: sent", "This '\nserver: sent")
    for options in cases:
        blocks, broken = blocks_of(tmp_path, options)
        for error in broken:
            refused += 1
            option = options[0].split(":")[1]
            assert f":{option}:" in error.message and "Traceback (most recent" not in error.message, (options, error.message)
        for block in blocks:
            accepted += 1
            matches(block.text, run, block.vary)
            render(block.text, run, block.vary, "page", "run")
            propose(block, [block.text, run, TEXT.replace("done", "done\nextra 1")])
    assert accepted and refused  # the fuzz reaches both sides
