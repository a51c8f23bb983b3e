"""``make livehtml``: sphinx-autobuild, with every process it starts owned by it.

sphinx-autobuild runs each rebuild as a ``python -m sphinx`` child.  This wrapper gives
the whole preview one owner marker (inherited by every rebuild and every listing it
runs, see :mod:`outputcheck.processes`), so Ctrl-C or SIGTERM to the preview, or its end,
stops a rebuild under way and its listings too, not only the server.
"""

from __future__ import annotations

import atexit
import os
import sys

from . import interrupts, processes


def main(argv: list[str]) -> None:
    os.environ[processes.OWNER_MARKER] = processes.OWNER  # every rebuild inherits it
    atexit.register(processes.stop_all)  # the preview ended: a rebuild under way goes too
    interrupts.install("make livehtml")
    interrupts.set_phase("serving the live preview")
    from sphinx_autobuild.__main__ import main as autobuild

    autobuild(argv)


if __name__ == "__main__":
    main(sys.argv[1:])
