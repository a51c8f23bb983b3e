"""Write a file whole or not at all.

Pages rewritten by ``make update-outputs``, cache entries, records and markers are all
written through here, so an interrupt, a full disk or a second process can never leave
a half-written file behind: the new content goes to a temporary file in the same
folder, is flushed to disk, and replaces the old file in one rename.
"""

from __future__ import annotations

import os
import re
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``path`` whole or not at all (a reader never sees a half-written file)."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            mode = stat.S_IMODE(os.stat(path).st_mode)
        except FileNotFoundError:
            mode = 0o644
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def rewrite_pages(outdir: Path, slot: re.Pattern[str], fill: Callable[[re.Match[str]], str]) -> None:
    """Replace every ``slot`` in the written HTML pages under ``outdir`` by ``fill(match)``.

    Pages are written while listings still run; what depends on the runs (timelines,
    failure marks) is put in afterwards, each changed page written whole.
    """
    for path in sorted(outdir.rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        new = slot.sub(fill, text)
        if new != text:
            write_atomic(path, new.encode("utf-8"))
