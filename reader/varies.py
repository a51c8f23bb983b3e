"""Values a run may print differently are marked for the reader (issue #24, point 8).

An output block declares which values vary (``:vary:``, ``:any:``: a pid, a worker's
name, a time, a port).  On the page they looked exactly like the values the build checks.
Each such value is now wrapped in ``<span class="varies">``: a subtle dotted underline
(``static/varies.css``, both themes), a tooltip (``title``) and, for a screen reader, the
same words read after the value from CSS generated content, which a reader who selects
and copies the output never copies.  The words, "실행할 때마다 달라짐" / "differs on every
run", are the project's own UI string: ``templates/varies.html`` holds the message, so
``make translations`` extracts it into ``sphinx.po`` like the search page's heading.

The spans are found with the block's own compiled declaration
(:class:`outputcheck.judging.values.LineRules`), so what is marked is exactly what the
check lets vary: the value only (a pattern's lookbehind, or the text around its group,
is context the check compares as written), never the port 10000 the book shows for the
server, never the command line.  A variant for another Python is marked by its block's
declaration.  The EPUB and the live preview are HTML builders too and get the same
marks.  The block is highlighted as Sphinx would (Pygments' console lexer) and the marks
are put into that HTML at the values' offsets, closed and reopened around any tag inside
one; if the highlighted text is not the block's text, nothing is marked.
"""

from __future__ import annotations

import html
import re
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx

from outputcheck.judging.values import LineRules
from outputcheck.reading.blocks import OutputBlock
from outputcheck.sphinx_ext.directives import blocks_of

_PIECE = re.compile(r"(<[^>]*>)|(&[#\w]+;)|([^<&])", re.S)


def spans(block: OutputBlock, text: str | None = None) -> list[tuple[int, int]]:
    """(start, end) offsets in the block's text (or in ``text``, one of its variants, which
    share its declarations) of every value it declares as varying."""
    rules = LineRules(block.vary)
    found: list[tuple[int, int]] = []
    offset = 0
    for number, line in enumerate((block.text if text is None else text).split("\n")):
        if number > 0 and not rules.item_order:
            found += [(offset + s.start, offset + s.end) for s in rules.spans(line)]
        offset += len(line) + 1
    return found


def mark(highlighted: str, text: str, ranges: list[tuple[int, int]], label: str) -> str | None:
    """``highlighted`` (Pygments' HTML of ``text``) with each range wrapped; None when
    the HTML does not hold exactly ``text``."""
    opening = f'<span class="varies" title="{html.escape(label)}" data-varies="{html.escape(label)}">'
    starts = {a for a, _ in ranges}
    ends = {b for _, b in ranges}
    out: list[str] = []
    plain: list[str] = []
    inside = False
    for tag, entity, char in _PIECE.findall(highlighted):
        if tag:
            if inside:
                out += ["</span>", tag, opening]
            else:
                out.append(tag)
            continue
        position = len(plain)
        if inside and position in ends:
            out.append("</span>")
            inside = False
        if not inside and position in starts:
            out.append(opening)
            inside = True
        piece = entity or char
        plain.append(html.unescape(piece))
        out.append(piece)
    if inside:
        out.append("</span>")
    if "".join(plain).rstrip("\n") != text.rstrip("\n"):
        return None
    return re.sub(r'<span class="varies"[^>]*></span>', "", "".join(out))


def _label(app: Sphinx) -> str:
    return app.builder.templates.render("varies.html", {}).strip()


def mark_varying(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Replace each output block that declares varying values by its marked HTML."""
    if app.builder.format != "html":
        return
    by_line: dict[int, tuple[OutputBlock, str]] = {}
    for b in blocks_of(app.env).get(docname, []):
        if not b.spec.trace:
            by_line[b.line] = (b, b.text)
            by_line.update((line, (b, text)) for _, text, _, line in b.variants)
    label = None
    for container in list(doctree.findall(nodes.container)):
        if not {"output-container", "output-variant"} & set(container["classes"]):
            continue
        literal = next(iter(container.findall(nodes.literal_block)), None)
        block, text = by_line.get(literal.line, (None, "")) if literal is not None else (None, "")
        if block is None or text != literal.astext():
            continue
        ranges = spans(block, text)
        if not ranges:
            continue
        label = label or _label(app)
        highlighted = app.builder.highlighter.highlight_block(text, "console", location=literal)
        marked = mark(highlighted, text, ranges, label)
        if marked is None:
            continue
        classes = " ".join([*literal["classes"], "highlight-console", "notranslate"])
        literal.replace_self(nodes.raw("", f'<div class="{classes}">{marked}</div>\n', format="html"))


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_css_file("varies.css")
    app.connect("doctree-resolved", mark_varying, priority=600)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
