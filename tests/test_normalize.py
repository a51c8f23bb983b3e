"""Declared volatility: exactly what is declared may vary, nothing else."""

from __future__ import annotations

from pathlib import Path

import pytest

from outputcheck.reading.blocks import BlockError, make_block, parse_command
from outputcheck.declaring.normalize import HostPaths, VarySpec, normalize, parse_unordered, parse_vary


def test_placeholders_keep_identity() -> None:
    vary = VarySpec(("address",))
    same = normalize("a 0xaa b 0xaa", vary)
    different = normalize("a 0xaa b 0xbb", vary)
    assert same == "a <address-1> b <address-1>"
    assert different == "a <address-1> b <address-2>"
    assert same != different


def test_undeclared_values_still_count() -> None:
    assert normalize("took 0.5 s", VarySpec()) != normalize("took 0.6 s", VarySpec())
    assert normalize("took 0.5 s", VarySpec(("float",))) == normalize("took 0.6 s", VarySpec(("float",)))
    # a float declaration does not hide an integer change
    assert normalize("3 items in 0.5", VarySpec(("float",))) != normalize("4 items in 0.5", VarySpec(("float",)))


def test_custom_pattern_and_port() -> None:
    vary = VarySpec(("port", "/Task-\\d+/"))
    assert normalize("Task-7 on localhost:54321", vary) == "<match-1> on localhost:<port-1>"


def test_unordered_group_only_within_its_lines() -> None:
    vary = VarySpec(unordered=((2, 3),))
    assert normalize("$ cmd\nb\na\nz", vary) == normalize("$ cmd\na\nb\nz", vary)
    assert normalize("$ cmd\nb\nz\na", vary) != normalize("$ cmd\na\nb\nz", vary)


def test_item_order_sorts_literal_items() -> None:
    vary = VarySpec(("item-order",))
    assert normalize("r: ['b', 'a']", vary) == normalize("r: ['a', 'b']", vary)
    assert normalize("r: ['b', 'a']", vary) != normalize("r: ['a', 'c']", vary)


def test_line_endings_and_trailing_spaces_do_not_count() -> None:
    assert normalize("a  \r\nb\r\n\r\n", VarySpec()) == normalize("a\nb", VarySpec())
    assert normalize(" a", VarySpec()) != normalize("a", VarySpec())


@pytest.mark.parametrize(
    "value, message",
    [("colour", "does not know 'colour'"), ("/(/", "not a valid regular expression")],
)
def test_bad_vary_says_what_is_allowed(value: str, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        parse_vary(value)


def test_unordered_ranges_are_checked() -> None:
    assert parse_unordered("2-3, 5-6", 6) == ((2, 3), (5, 6))
    with pytest.raises(ValueError, match="line 1 is the command line"):
        parse_unordered("1-3", 6)
    with pytest.raises(ValueError, match="within lines 2-4"):
        parse_unordered("3-9", 4)


def test_command_line_names_the_snippet() -> None:
    spec = parse_command("$ python3 asyncio_gather.py --fast")
    assert (spec.snippet, spec.args, spec.python) == ("asyncio_gather", ("--fast",), "python3")
    assert parse_command("$ python3.8 old.py").python == "python3.8"
    for bad in ("python3 x.py", "$ python x.py", "$ python3 ../x.py", "$ python3 x.txt"):
        with pytest.raises(BlockError):
            parse_command(bad)


def test_block_options_are_validated() -> None:
    with pytest.raises(BlockError, match="unknown option"):
        make_block(Path("p.md"), 1, "$ python3 a.py", {"colour": "red"})
    with pytest.raises(BlockError, match=":timeout:"):
        make_block(Path("p.md"), 1, "$ python3 a.py", {"timeout": "soon"})
    with pytest.raises(BlockError, match="empty"):
        make_block(Path("p.md"), 1, "\n", {})
    block = make_block(Path("p.md"), 4, "$ python3 a.py\r\nx\r\n", {"timeout": "5", "returncode": "2"})
    assert (block.text, block.timeout, block.returncode, block.location) == ("$ python3 a.py\nx", 5.0, 2, "p.md:4")


def test_host_paths_never_reach_the_text(tmp_path: Path) -> None:
    snippets = tmp_path / "proj" / "snippets"
    snippets.mkdir(parents=True)
    host = HostPaths.for_run(snippets)
    text = f'File "{snippets}/demo.py", line 3\nat {tmp_path}/x and {Path.home()}/y'
    clean = host.sanitize(text)
    assert 'File "demo.py", line 3' in clean
    assert str(tmp_path) not in clean and str(Path.home()) + "/" not in clean
    assert host.leaks(clean) == []


def test_new_block_with_only_its_command_line_accepts_unordered() -> None:
    block = make_block(Path("p.md"), 1, "$ python3 a.py", {"unordered": "4-6"})
    assert block.vary.unordered == ((4, 6),)
    with pytest.raises(BlockError, match="within lines 2-3"):
        make_block(Path("p.md"), 1, "$ python3 a.py\nx\ny", {"unordered": "2-5"})
