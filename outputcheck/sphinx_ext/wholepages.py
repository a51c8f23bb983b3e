"""Every HTML page Sphinx writes replaces the old one whole.

Sphinx writes a page by opening its file for writing (which empties it) and writing
the text.  Meanwhile the file is half a page, and the live preview serves its output
folder while it rebuilds: a reader's browser, or a test reading the page, could get
that half.  So each page is written to a temporary file in the same folder and renamed
over the old one: a reader opens either the old page or the new one, both whole.  The
failure marks and the timelines placed into pages later are written the same way
(:func:`outputcheck.running.files.rewrite_pages`).

An interrupted build may leave a temporary file beside its pages (never a half page);
the next build starts that output folder from scratch anyway (see :mod:`.buildstate`).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx


def _whole(builder: Any) -> Any:
    """``builder.handle_page``, writing through a temporary file and a rename."""
    handle_page = builder.handle_page
    locate = getattr(builder, "get_output_path", None) or builder.get_outfilename  # Sphinx 8.2+, or earlier

    def handle_whole_page(pagename: str, addctx: dict[str, Any], templatename: str = "page.html", *,
                          outfilename: Path | None = None, event_arg: Any = None) -> None:
        final = Path(outfilename) if outfilename else Path(locate(pagename))
        final.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=final.parent, prefix=f".{final.name}.", suffix=".tmp")
        os.close(fd)
        temporary = Path(name)
        try:
            handle_page(pagename, addctx, templatename, outfilename=temporary, event_arg=event_arg)
            # Sphinx warns and writes nothing when a page cannot be rendered: keep the old one.
            if temporary.stat().st_size:
                os.chmod(temporary, 0o644)  # what Sphinx gives a page (mkstemp makes it private)
                os.replace(temporary, final)
        finally:
            temporary.unlink(missing_ok=True)

    return handle_whole_page


def write_pages_whole(app: Sphinx) -> None:
    """From now on, the HTML builder of ``app`` writes each page whole."""
    builder = app.builder
    if builder.format == "html" and hasattr(builder, "get_outfilename") and not builder.name.startswith("epub"):
        builder.handle_page = _whole(builder)  # type: ignore[method-assign]


def setup(app: Sphinx) -> None:
    app.connect("builder-inited", write_pages_whole)
