"""Put the timeline of an instrumented run into the page that shows the run.

The drawing itself is :mod:`timeline.draw`; this module only places it.  Web pages are
written while the snippets still run, so each page gets an empty slot where a timeline
goes, and the slot is filled in the written file when the runs are done (the file is
rewritten whole).  A page that was not written again keeps the timeline it already has.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

from ..running.files import rewrite_pages

WORDS = {
    "ko": {"title": "{snippet} 실행의 타임라인", "as_text": "타임라인을 글로 보기"},
    "en": {"title": "Timeline of a run of {snippet}", "as_text": "The timeline as text"},
}


_SLOT = re.compile(r'<div class="asyncio-timeline-slot" data-slot="(?P<page>[^"]+):(?P<line>\d+)" data-snippet="(?P<snippet>[^"]+)"></div>')


def slot_html(page: str, line: int, snippet: str) -> str:
    return f'<div class="asyncio-timeline-slot" data-slot="{html.escape(page)}:{line}" data-snippet="{html.escape(snippet)}"></div>'


def figure(
    trace_json: str | None, snippet: str, language: str | None, picture: bool = True
) -> str:
    """The figure for one run: the SVG and, for everyone, the same content as text.

    Without ``picture`` (an EPUB: its package would have to declare every page with an
    inline SVG) the figure is the text alone, open."""
    if not trace_json:
        return ""
    from timeline.draw import LABELS_EN, LABELS_KO, draw

    words = WORDS.get(language or "en", WORDS["en"])
    drawing = draw(
        json.loads(trace_json),
        labels=LABELS_KO if language == "ko" else LABELS_EN,
        title=words["title"].format(snippet=snippet),
    )
    if not picture:
        return (
            f'<div class="asyncio-timeline-figure"><p>{html.escape(words["title"].format(snippet=snippet))}</p>'
            f"<pre>{html.escape(drawing.text)}</pre></div>"
        )
    return (
        '<figure class="asyncio-timeline-figure">'
        f"{drawing.svg}"
        f'<details class="asyncio-timeline-text"><summary>{html.escape(words["as_text"])}</summary>'
        f"<pre>{html.escape(drawing.text)}</pre></details>"
        "</figure>"
    )


def fill_written_pages(app: Any, traces: dict[tuple[Path, int], str]) -> int:
    """Fill the slots of every written page; return how many timelines were placed."""
    placed = 0

    def fill(m: re.Match[str]) -> str:
        nonlocal placed
        trace = traces.get((Path(html.unescape(m.group("page"))), int(m.group("line"))))
        if not trace:
            return m.group(0)  # the run failed: the build reports it and fails
        placed += 1
        return figure(trace, html.unescape(m.group("snippet")), app.config.language)

    rewrite_pages(Path(app.outdir), _SLOT, fill)
    return placed
