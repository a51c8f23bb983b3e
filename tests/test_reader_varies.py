"""Values a block declares as varying are marked in its HTML, and nothing else is."""

from __future__ import annotations

from pathlib import Path

from booktools import Book
from sphinx.highlighting import PygmentsBridge

from outputcheck.declaring.declarations import declarations
from outputcheck.judging.matching import matches
from outputcheck.reading.pages import scan_text
from reader.varies import mark, spans

TEXT = "$ python3 workers.py 4242\nworker PID  4242 took 0.30 s <ok> & 'done'\nall 3 done in 0.91 s"


def spec(**options: str):
    return declarations(options, 99)


def block(options: str):
    (found,) = scan_text(Path("p.md"), f"```{{output}}\n{options}\n\n{TEXT}\n```\n")
    return found.block()


def test_only_declared_values_outside_the_command_line_are_marked() -> None:
    b = block(":vary: /(?<=PID ) *\\d+/\n:any: float")
    found = [b.text[a:z] for a, z in spans(b)]
    assert found == [" 4242", "0.30", "0.91"]  # not the 4242 of the command line, not the 3


def test_the_marked_html_keeps_the_text_and_the_highlighting() -> None:
    b = block(":any: float")
    highlighted = PygmentsBridge("html").highlight_block(b.text, "console")
    marked = mark(highlighted, b.text, spans(b), "differs on every run")
    assert marked is not None
    assert marked.count('<span class="varies" title="differs on every run" data-varies="differs on every run">') == 2
    assert '<span class="varies" title="differs on every run" data-varies="differs on every run">0.30</span>' in marked
    assert "&lt;ok&gt; &amp;" in marked and '<span class="gp">$ </span>' in marked
    assert mark(highlighted, b.text + "x", spans(b), "x") is None  # HTML of another text: nothing marked


# -- a mark covers the value only ------------------------------------------------------

SERVER = (
    "$ python3 server.py\nasyncio: Using selector: EpollSelector\nmain: starting up on localhost port 10000\n"
    "echo_127.0.0.1_33010: connection accepted"
)


def marked(options: str, text: str) -> list[str]:
    (found,) = scan_text(Path("p.md"), f"```{{output}}\n{options}\n\n{text}\n```\n")
    b = found.block()
    return [b.text[a:z] for a, z in spans(b)]


def test_a_pattern_with_context_marks_only_the_value() -> None:
    # a lookbehind is not part of the match; a group is the value, the rest its context
    assert marked(r":vary: /(?<=Using selector: )\w+/", SERVER) == ["EpollSelector"]
    assert marked(r":vary: /Using selector: (\w+)/", SERVER) == ["EpollSelector"]
    assert marked(r":vary: /Using (?:selector): (?P<name>\w+)/", SERVER) == ["EpollSelector"]
    assert marked(r":vary: /Using selector: \w+/", SERVER) == ["Using selector: EpollSelector"]  # no group: all of it
    assert marked(r":vary: /(?<=(selector): )\w+/", SERVER) == ["EpollSelector"]  # a group outside the match is context
    assert marked(r":vary: /Using selector: (x)?\w+/", SERVER) == ["Using selector: EpollSelector"]  # it took no part


def test_the_context_of_a_group_is_checked_as_written() -> None:
    page = "$ python3 demo.py\nasyncio: Using selector: EpollSelector"
    for run, holds in [("Using selector: SelectSelector", True), ("Using poller: EpollSelector", False)]:
        assert matches(page, f"$ python3 demo.py\nasyncio: {run}", spec(vary=r"/Using \w+: (\w+)/")) is holds, run
    assert matches(page, "$ python3 demo.py\nasyncio: Using poller: EpollSelector", spec(vary=r"/Using \w+: \w+/"))


def test_the_port_the_book_shows_for_the_server_is_not_marked_nor_let_vary() -> None:
    # 10000 is the port the build gave the server, shown as the book's port on every run;
    # the client's port is the one the system picks
    assert marked(":vary: port", SERVER) == ["33010"]
    assert marked(":any: port", SERVER) == ["33010"]
    page = "$ python3 demo.py\nserving on port 10000\nclient 127.0.0.1:33010"
    assert matches(page, "$ python3 demo.py\nserving on port 10000\nclient 127.0.0.1:41234", spec(vary="port"))
    assert not matches(page, "$ python3 demo.py\nserving on port 10001\nclient 127.0.0.1:41234", spec(vary="port"))
    assert matches("$ python3 demo.py\nport 10001", "$ python3 demo.py\nport 41234", spec(vary="port"))


# -- variants --------------------------------------------------------------------------

PIDS = '''
# Pids

```{output}
:vary: /(?<=pid )\\d+/

$ python3 pids.py
started pid 4242, stopped pid 4242
```

```{output-variant} 3.8
:reason: an older wording

$ python3 pids.py
began pid 4242, ended pid 4242
```
'''


def test_a_variant_is_marked_like_its_block(tmp_path: Path) -> None:
    book = Book(tmp_path / "book")
    book.snippet("pids", 'import os\nprint(f"started pid {os.getpid()}, stopped pid {os.getpid()}")\n')
    book.page("pids", PIDS)
    built = book.build(extensions=["myst_parser", "outputcheck.sphinx_ext", "reader"])
    assert built.status == 0, built.warnings
    html = built.html(book.root, "pids")
    opening = '<span class="varies" title="실행할 때마다 달라짐" data-varies="실행할 때마다 달라짐">4242</span>'
    block, variant = html.split('class="literal-block-wrapper output-variant', 1)
    assert block.count(opening) == 2 and variant.count(opening) == 2, html
    assert "began pid " in variant and "an older wording" in variant
