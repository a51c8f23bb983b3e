"""Sphinx's own state after an interrupted build.

Sphinx saves its environment once all pages are read, then writes the pages one by one,
the search index last.  A build stopped in between leaves an environment that believes
every page is done beside an output folder with pages missing or cut short, and no
search index; the next build then trusts that state (and warns that the search index
could not be loaded, which ``-W`` makes fatal).

So a build marks its state as incomplete when it starts (a file beside the environment,
never in the output, which an EPUB would pack) and clears the mark when it ends.  A
build that finds the mark knows the last one never ended: it removes that output folder
and its environment and builds from scratch, as if the interrupted build had never run.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util import logging

logger = logging.getLogger(__name__)

MARK = ".build-incomplete"


def start(app: Sphinx, config: Config) -> None:
    """Before the environment is loaded: start over if the last build did not end."""
    outdir, doctreedir = Path(app.outdir), Path(app.doctreedir)
    mark = doctreedir / MARK
    if mark.exists():
        logger.info(f"outputcheck: the last build into {outdir} did not end; building it again from scratch")
        for folder in (doctreedir, outdir):
            shutil.rmtree(folder, ignore_errors=True)
    doctreedir.mkdir(parents=True, exist_ok=True)
    mark.write_text("a build of this folder is under way, or was stopped before it ended\n")


def end(app: Sphinx, exception: Exception | None) -> None:
    """The build ended on its own (its pages may have failed their checks): state is whole."""
    if exception is None:
        (Path(app.doctreedir) / MARK).unlink(missing_ok=True)


def setup(app: Sphinx) -> None:
    app.connect("config-inited", start, priority=100)
    app.connect("build-finished", end, priority=900)
