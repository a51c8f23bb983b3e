"""``make livehtml``: sphinx-autobuild, with every process it starts owned by it.

sphinx-autobuild runs each rebuild as a ``python -m sphinx`` child.  This wrapper gives
the whole preview one owner marker (inherited by every rebuild and every listing it
runs, see :mod:`outputcheck.running.processes`), so Ctrl-C or SIGTERM to the preview, or its end,
stops a rebuild under way and its listings too, not only the server.
"""

from __future__ import annotations

import atexit
import os
import sys

from .running import interrupts, processes


def _keep_our_signal_handlers() -> None:
    """The preview's web server (uvicorn) takes SIGINT and SIGTERM for a graceful shutdown
    that waits for open connections (seconds, with a browser attached) before the rebuild
    under way is stopped.  Here the preview is stopped at once, by our handlers."""
    import contextlib

    try:
        from uvicorn.server import Server
    except ImportError:  # pragma: no cover - sphinx-autobuild without uvicorn
        return
    Server.capture_signals = contextlib.contextmanager(lambda self: (yield))  # type: ignore[method-assign]


def main(argv: list[str]) -> None:
    if processes.OWNER_MARKER not in os.environ:
        # Start again with the marker in this process's own environment: sphinx-autobuild
        # rebuilds from a forked worker process, which is found (and stopped) by the
        # marker only if it is in the environment the process was started with.
        env = dict(os.environ, **{processes.OWNER_MARKER: processes.OWNER})
        os.execve(sys.executable, [sys.executable, "-m", "outputcheck.live", *argv], env)
    atexit.register(processes.stop_all)  # the preview ended: a rebuild under way goes too
    _keep_our_signal_handlers()
    interrupts.install("make livehtml")
    interrupts.set_phase("running the live preview (serving, or rebuilding after an edit)")
    from sphinx_autobuild.__main__ import main as autobuild

    autobuild(argv)


if __name__ == "__main__":
    main(sys.argv[1:])
