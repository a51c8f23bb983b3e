"""Write captured output back into pages (``make update-outputs``).

Only blocks whose run completed with the expected exit code and merely printed
something else are rewritten; a crash or a timeout is never written into a page, and
neither is a flaky block (one run differed, a fresh one matched).  Before a block is
written, its listing runs again, fresh, several times (:data:`CONFIRMING_RUNS`): only an
output that repeats under the block's declarations is written; when the runs disagree
nothing is written and the lines that varied are shown, so that one lucky run never
becomes the page.  Each page is rewritten whole or not at all, under a lock, and only
the content lines of drifted blocks change; an interrupt waits for a page being written.
Running it twice changes nothing the second time.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import tempfile
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock

from ..running import interrupts
from .check import Settings, judge, run_fresh, run_sync
from ..judging.compare import Verdict
from ..running.files import write_atomic
from ..declaring.hostfacts import HostFact, host_facts
from ..reading.pages import scan_text
from ..judging.propose import agree, propose
from ..running.runner import Batch, RunResult, RunSpec

#: Fresh runs that must agree before an output is written into a page.
CONFIRMING_RUNS = 3


@dataclass
class Refused:
    """A drifted block that was not written, and why (with a proposal when the runs
    disagreed)."""

    verdict: Verdict
    message: str  # the whole report, starting with the block's page and line

    def report(self) -> str:
        return self.message


def confirm(verdicts: Iterable[Verdict], settings: Settings, runs: int = CONFIRMING_RUNS) -> tuple[list[Verdict], list[Refused]]:
    """Run each drifted listing ``runs`` times, fresh; keep the blocks whose runs agree.

    Returns the verdicts to write (carrying the last fresh run's output) and the blocks
    refused: a fresh run that failed, or runs that disagree under the block's
    declarations, with what varied and a proposed declaration (:mod:`outputcheck.judging.propose`).
    """
    drifted = [v for v in verdicts if not v.ok and v.updatable and not v.block.spec.trace]
    if not drifted:
        return [], []
    specs = {v.block.spec: v for v in drifted}

    async def series(spec: RunSpec) -> list[RunResult]:
        v = specs[spec]
        python = v.result.python or settings.python
        return [await run_fresh(spec, settings, python, settings.timeout_of(v.block)) for _ in range(runs)]

    async def all_series() -> dict[RunSpec, list[RunResult]]:
        found = await asyncio.gather(*(series(spec) for spec in specs))
        return dict(zip(specs, found))

    interrupts.set_phase(f"running {len(specs)} drifted listing(s) {runs} times each before writing them")
    fresh = run_sync(all_series())
    confirmed: list[Verdict] = []
    refused: list[Refused] = []
    for verdict in drifted:
        judged = [judge([verdict.block], Batch(results={verdict.block.spec: r}), settings)[0] for r in fresh[verdict.block.spec]]
        bad = [j for j in judged if not (j.ok or j.updatable)]
        if bad:
            refused.append(Refused(verdict, f"{verdict.block.location}: not updated [{verdict.block.command.removeprefix('$ ')}]: "
                                            f"a fresh run failed: {bad[0].problem}"))
            continue
        transcripts = [j.actual for j in judged]
        if agree(verdict.block.vary, transcripts):
            if not judged[-1].ok:  # else: the runs agree with the page after all
                confirmed.append(judged[-1])
            continue
        proposal = propose(verdict.block, transcripts)
        refused.append(Refused(verdict, str(proposal) if proposal else (
            f"{verdict.block.location}: not updated: its {runs} fresh runs disagree under its declarations"
        )))
    return confirmed, refused


def unannounced_host_facts(verdicts: Iterable[Verdict]) -> list[HostFact]:
    """Lines of outputs about to be written that show this machine's host name, user,
    mount points or addresses, where the block does not declare them (``:host:``)."""
    return [fact for v in verdicts for fact in host_facts(v.actual, v.block)]


def apply(verdicts: Iterable[Verdict], root: Path) -> list[Verdict]:
    """Rewrite every updatable drifted block; return the verdicts that were written."""
    by_page: dict[Path, list[Verdict]] = defaultdict(list)
    for verdict in verdicts:
        if not verdict.ok and verdict.updatable and not verdict.block.spec.trace:
            by_page[verdict.block.page].append(verdict)
    written: list[Verdict] = []
    for page, items in sorted(by_page.items()):
        path = page if page.is_absolute() else root / page
        with interrupts.deferred():  # a page is written whole before an interrupt acts
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
