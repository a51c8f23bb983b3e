"""Values a block declares as varying are marked in its HTML, and nothing else is."""

from __future__ import annotations

from pathlib import Path

from sphinx.highlighting import PygmentsBridge

from outputcheck.reading.pages import scan_text
from reader.varies import mark, spans

TEXT = "$ python3 workers.py 4242\nworker PID  4242 took 0.30 s <ok> & 'done'\nall 3 done in 0.91 s"


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
