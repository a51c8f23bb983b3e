"""Write captured output back into pages (``make update-outputs``).

Only blocks whose run completed with the expected exit code and merely printed
something else are rewritten; a crash or a timeout is never written into a page.
Each page is rewritten whole or not at all, under a lock, and only the content lines
of drifted blocks change.  Running it twice changes nothing the second time.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from filelock import FileLock

from .cache import write_atomic
from .compare import Verdict
from .pages import scan_text


class PageChanged(RuntimeError):
    """The page was edited while its blocks were being checked."""


def apply(verdicts: Iterable[Verdict], root: Path) -> list[Verdict]:
    """Rewrite every updatable drifted block; return the verdicts that were written."""
    by_page: dict[Path, list[Verdict]] = defaultdict(list)
    for verdict in verdicts:
        if not verdict.ok and verdict.updatable and not verdict.block.spec.trace:
            by_page[verdict.block.page].append(verdict)
    written: list[Verdict] = []
    for page, items in sorted(by_page.items()):
        path = page if page.is_absolute() else root / page
        rewrite_page(path, page, items)
        written.extend(items)
    return written


def rewrite_page(path: Path, shown: Path, verdicts: list[Verdict]) -> None:
    """Replace the content of the given blocks of one page, bottom to top."""
    with FileLock(_lock_path(path), timeout=60):
        raw = path.read_bytes()
        text = raw.decode("utf-8")
        newline = "\r\n" if "\r\n" in text else "\n"
        lines = text.replace("\r\n", "\n").split("\n")
        found = {f.line: f for f in scan_text(shown, "\n".join(lines))}
        for verdict in sorted(verdicts, key=lambda v: -v.target_line):
            f = found.get(verdict.target_line)
            if f is None or f.content.replace("\r\n", "\n").rstrip("\n") != verdict.expected:
                raise PageChanged(
                    f"{verdict.block.location}: the block changed while it was checked; "
                    f"run the update again"
                )
            fence_char = f.fence[0]
            if any(line.lstrip().startswith(fence_char * len(f.fence)) for line in verdict.actual.split("\n")):
                raise PageChanged(
                    f"{verdict.block.location}: the new output contains a line that would close "
                    f"the fence {f.fence}; lengthen the fence of this block"
                )
            new = [(f.indent + line) if line else "" for line in verdict.actual.split("\n")]
            lines[f.content_start : f.content_end] = new
        write_atomic(path, newline.join(lines).encode("utf-8"))


def _lock_path(page: Path) -> str:
    """A lock per page, outside the source tree (nothing to clean up, nothing to commit)."""
    digest = hashlib.sha256(str(page.resolve()).encode()).hexdigest()[:16]
    return os.path.join(tempfile.gettempdir(), f"outputcheck-page-{digest}.lock")
