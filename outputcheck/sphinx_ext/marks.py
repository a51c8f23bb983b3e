"""Failures shown on the page itself, for the live preview (``make livehtml``).

An author editing in the live preview watches the browser, not the terminal.  With
``outputcheck_mark_failures`` on, every output block and listing gets an empty slot
after it; when the build ends, the slot of each block that failed (a mismatch, a flaky
run, a crash, a timeout, a missing snippet, a listing that cannot be shown) is filled
with the same report the terminal shows, and every other slot of every page is emptied,
so a mark disappears with the next good build even on a page that was not rewritten.
``make html`` never turns the option on: there, a failure fails the build.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from docutils import nodes

from ..running.files import rewrite_pages

WORDS = {
    "ko": "이 블록은 검증에 실패했다",
    "en": "This block failed its check",
}

_SLOT = re.compile(
    r'<div class="outputcheck-mark-slot" data-block="(?P<block>[^"]+)">.*?<!-- /outputcheck-mark -->', re.S
)


def slot(page: str, line: int) -> nodes.raw:
    """An empty slot for the verdict of the block at ``page:line``."""
    key = html.escape(f"{page}:{line}")
    return nodes.raw("", f'<div class="outputcheck-mark-slot" data-block="{key}"><!-- /outputcheck-mark --></div>', format="html")


def _mark(report: str, language: str | None) -> str:
    title = WORDS.get(language or "en", WORDS["en"])
    return (
        '<div class="outputcheck-mark" role="alert" style="border:2px solid #c62828;border-radius:4px;'
        'padding:0.5em 0.8em;margin:0.5em 0 1em;background:rgba(198,40,40,0.08)">'
        f'<p style="margin:0 0 0.4em;font-weight:bold;color:#b71c1c">&#9888; {html.escape(title)}</p>'
        f'<pre tabindex="0" style="white-space:pre-wrap;margin:0;font-size:0.85em">{html.escape(report)}</pre></div>'
    )


def fill(outdir: Path, reports: dict[str, str], language: str | None) -> int:
    """Write the reports into the slots of every page under ``outdir``; empty the rest.
    Returns how many blocks were marked."""
    marked = 0

    def one(m: re.Match[str]) -> str:
        nonlocal marked
        key = html.unescape(m.group("block"))
        body = ""
        if key in reports:
            marked += 1
            body = _mark(reports[key], language)
        return f'<div class="outputcheck-mark-slot" data-block="{m.group("block")}">{body}<!-- /outputcheck-mark -->'

    rewrite_pages(outdir, _SLOT, one)
    return marked
