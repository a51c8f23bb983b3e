"""reader: what a reader of the web edition gets beyond the text.

- ``apilinks``: API names in the text (`asyncio.gather()`, `loop.call_later()`) link to
  the Python documentation, by a table shipped here (nothing is fetched at build time).
- ``notes``: ``{checknote}`` (how a run is checked, folded away) and ``{editionchanged}``
  (a change made by this edition, apart from Python's own ``versionchanged``).
- ``static/reader.css``: captions of listings and runs, the download link, the notes.
- ``varies``: values an output block declares as varying are marked for the reader.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sphinx.application import Sphinx

from . import accessible, notes, varies
from .apilinks import LinkApiNames

HERE = Path(__file__).parent


def _add_static(app: Sphinx, config: Any) -> None:
    config.html_static_path = [*config.html_static_path, str(HERE / "static")]


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_transform(LinkApiNames)
    notes.setup(app)
    app.add_css_file("reader.css")
    app.connect("config-inited", _add_static)
    accessible.setup(app)
    varies.setup(app)
    return {"version": "0.1.0", "parallel_read_safe": True, "parallel_write_safe": True}
