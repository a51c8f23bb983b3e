"""``make livehtml``: sphinx-autobuild, with every process it starts owned by it.

sphinx-autobuild runs each rebuild as a ``python -m sphinx`` child.  This wrapper gives
the whole preview one owner marker (inherited by every rebuild and every listing it
runs, see :mod:`outputcheck.running.processes`), so Ctrl-C or SIGTERM to the preview, or its end,
stops a rebuild under way and its listings too, not only the server.

It also serves every page whole while a rebuild replaces it.  The build writes each page
to a temporary file and renames it into place (see ``sphinx_ext.wholepages``), but a
static file server that takes a file's size from its path, then opens the path again to
send it, can announce the old page's length and send the new page: the browser gets
half a page, or a page with a tail cut off.  Here the page is opened once, and its size
and its bytes come from that one open file.
"""

from __future__ import annotations

import atexit
import os
import sys
from typing import Any

from .running import interrupts, processes


def whole_files() -> type:
    """starlette's ``StaticFiles``, sending each file as read from one open file."""
    from starlette.datastructures import Headers
    from starlette.exceptions import HTTPException
    from starlette.responses import FileResponse, Response
    from starlette.staticfiles import NotModifiedResponse, StaticFiles

    class WholeFiles(StaticFiles):
        def file_response(self, full_path: Any, stat_result: os.stat_result, scope: Any, status_code: int = 200) -> Response:
            try:
                with open(full_path, "rb") as handle:
                    opened = os.fstat(handle.fileno())  # the file being sent, not the one stat()ed before
                    body = handle.read()
            except (FileNotFoundError, NotADirectoryError):  # replaced by a folder, or removed meanwhile
                raise HTTPException(status_code=404) from None
            # The headers a file response has (type, etag, last-modified), of this file;
            # the length is the body's own.
            described = FileResponse(full_path, status_code=status_code, stat_result=opened)
            headers = {k: v for k, v in described.headers.items() if k != "content-length"}
            if self.is_not_modified(Headers(headers=headers), Headers(scope=scope)):
                return NotModifiedResponse(Headers(headers=headers))
            return Response(body, status_code=status_code, headers=headers, media_type=described.media_type)

    return WholeFiles


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


def _serve_whole_files() -> None:
    """sphinx-autobuild mounts starlette's ``StaticFiles`` on the output folder; serve it
    with :func:`whole_files` instead."""
    import sphinx_autobuild.__main__ as autobuild
    from starlette.staticfiles import StaticFiles

    if getattr(autobuild, "StaticFiles", None) is not StaticFiles:  # pragma: no cover - a new sphinx-autobuild
        raise SystemExit("make livehtml: this sphinx-autobuild no longer serves pages with starlette's StaticFiles; "
                         "outputcheck/live.py must learn how it serves them (pages must be sent whole)")
    autobuild.StaticFiles = whole_files()  # type: ignore[attr-defined]


def main(argv: list[str]) -> None:
    if processes.OWNER_MARKER not in os.environ:
        # Start again with the marker in this process's own environment: sphinx-autobuild
        # rebuilds from a forked worker process, which is found (and stopped) by the
        # marker only if it is in the environment the process was started with.
        env = dict(os.environ, **{processes.OWNER_MARKER: processes.OWNER})
        os.execve(sys.executable, [sys.executable, "-m", "outputcheck.live", *argv], env)
    atexit.register(processes.stop_all)  # the preview ended: a rebuild under way goes too
    _keep_our_signal_handlers()
    _serve_whole_files()
    interrupts.install("make livehtml")
    interrupts.set_phase("running the live preview (serving, or rebuilding after an edit)")
    from sphinx_autobuild.__main__ import main as autobuild

    autobuild(argv)


if __name__ == "__main__":
    main(sys.argv[1:])
