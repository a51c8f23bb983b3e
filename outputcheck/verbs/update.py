"""Write captured output back into pages (``make update-outputs``).

Only blocks whose run completed with the expected exit code and merely printed
something else are rewritten; a crash or a timeout is never written into a page, and
neither is a flaky block (one run differed, a fresh one matched).  Before a block is
written, its listing runs again, fresh, several times (:data:`CONFIRMING_RUNS`): only an
output that repeats under the block's declarations is written; when the runs disagree
nothing is written and the lines that varied are shown, so that one lucky run never
becomes the page.  Runs that agree only because some lines are declared optional, and show
different numbers of them, are refused too (a racy listing's empty report would become the
page one time in forty) unless the author asks for the fullest run (:data:`WRITE_FULLEST`).  Each page is rewritten whole or not at all, under a lock, and only
the content lines of drifted blocks change; an interrupt waits for a page being written.
Running it twice changes nothing the second time.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import re
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock

from ..running import interrupts
from .check import Settings, judge, run_fresh, run_sync
from ..judging.compare import Verdict
from ..running.files import write_atomic
from ..declaring.hostfacts import HostFact, host_facts
from ..reading.pages import scan_text
from ..declaring.normalize import VarySpec
from ..judging.matching import matches
from ..judging.propose import Proposal, agree, propose
from ..running.runner import Batch, RunResult, RunSpec

#: Fresh runs that must agree before an output is written into a page.
CONFIRMING_RUNS = 3
#: New fresh runs a proposed declaration must hold on before it is shown.
VERIFYING_RUNS = 5
#: The command-line switch that writes the run with the most optional lines anyway.
WRITE_FULLEST = "--write-fullest"
#: How an author gives it to ``make update-outputs`` (the next step of a refusal).
WRITE_FULLEST_COMMAND = f"make update-outputs UPDATE_ARGS={WRITE_FULLEST}"


@dataclass
class Refused:
    """A drifted block that was not written, and why (with a proposal when the runs
    disagreed)."""

    verdict: Verdict
    message: str  # the whole report, starting with the block's page and line

    def report(self) -> str:
        return self.message


def confirm(
    verdicts: Iterable[Verdict], settings: Settings, runs: int = CONFIRMING_RUNS, verifying_runs: int = VERIFYING_RUNS,
    write_fullest: bool = False,
) -> tuple[list[Verdict], list[Refused]]:
    """Run each drifted listing ``runs`` times, fresh; keep the blocks whose runs agree.

    Returns the verdicts to write (carrying the last fresh run's output) and the blocks
    refused: a fresh run that failed, runs that disagree under the block's declarations
    (with what varied and a proposed declaration, :mod:`outputcheck.judging.propose`), or
    runs that agree but show different numbers of optional lines (written, the fullest
    one, only with ``write_fullest``).
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
            chosen, note, even = fullest(verdict.block.vary, judged)
            if chosen.ok:  # the runs agree with the page after all
                continue
            if even or write_fullest:
                chosen.update_note = note if even else f"{note}; {WRITE_FULLEST}: wrote the run with the most"
                confirmed.append(chosen)
            else:
                refused.append(Refused(verdict, uneven(verdict, runs, note)))
            continue
        proposal = propose(verdict.block, transcripts)
        if proposal is not None and proposal.spec is not None and verifying_runs:
            proposal = verified(proposal, transcripts, lambda n, v=verdict: _more(v, settings, n), verifying_runs)
        refused.append(Refused(verdict, str(proposal) if proposal else (
            f"{verdict.block.location}: not updated: its {runs} fresh runs disagree under its declarations"
        )))
    return confirmed, refused


def _more(verdict: Verdict, settings: Settings, count: int) -> list[str]:
    """``count`` more fresh runs of a block's listing, as page text."""
    spec = verdict.block.spec
    python = verdict.result.python or settings.python

    async def series() -> list[RunResult]:
        return [await run_fresh(spec, settings, python, settings.timeout_of(verdict.block)) for _ in range(count)]

    interrupts.set_phase(f"checking a proposed declaration of {verdict.block.location} on {count} new fresh runs")
    judged = [judge([verdict.block], Batch(results={spec: r}), settings)[0] for r in run_sync(series())]
    return [j.actual for j in judged if j.ok or j.updatable]


def verified(proposal: Proposal, seen: list[str], more: Callable[[int], list[str]], count: int) -> Proposal:
    """A proposal checked on ``count`` new fresh runs before it is shown.  Runs it does not
    hold for join the ones it was made from and it is made again (twice at most): what
    is shown has held on runs it never saw, and says on how many."""
    earlier: list[str] = []
    for _ in range(3):
        assert proposal.spec is not None
        new = more(count)
        held = sum(1 for t in new if matches(proposal.text, t, proposal.spec))
        proposal.held, proposal.earlier = (held, len(new)), earlier
        if held == len(new):
            return proposal
        earlier.append(f"(a declaration made from {len(seen)} runs, {' '.join(proposal.option_lines())}, held in "
                       f"only {held} of {len(new)} new runs; made again from all {len(seen) + len(new)})")
        seen = seen + new
        again = propose(proposal.block, seen)
        if again is None or again.spec is None:
            if again is not None:
                again.earlier = earlier
            return again or proposal
        proposal = again
    return proposal


def optional_counts(vary: VarySpec, transcripts: list[str]) -> list[int]:
    """How many lines of each run its optional-line declarations cover."""
    patterns = [re.compile(o.pattern) for o in vary.optional]
    return [sum(1 for line in t.split("\n") if any(p.fullmatch(line) for p in patterns)) for t in transcripts]


def fullest(vary: VarySpec, judged: list[Verdict]) -> tuple[Verdict, str, bool]:
    """The run with the most optional lines, what the update says about them, and whether
    every run showed as many.  Written only when they did (or when the author asks): a
    run with fewer is a racy listing's short report, and the page would depend on which
    run came last."""
    if not vary.optional:
        return judged[-1], "", True
    counts = optional_counts(vary, [j.actual for j in judged])
    best = max(range(len(judged)), key=lambda i: (counts[i], i))
    having = sum(1 for c in counts if c)
    note = (f"optional lines ({', '.join(o.label for o in vary.optional)}): {having} of the {len(counts)} runs had them "
            f"({', '.join(map(str, counts))} lines)")
    return judged[best], note, len(set(counts)) == 1


def uneven(verdict: Verdict, runs: int, note: str) -> str:
    """Why a block whose runs show different numbers of optional lines was not written,
    and the two ways on."""
    return (f"{verdict.block.location}: not updated [{verdict.block.command.removeprefix('$ ')}]: its {runs} fresh runs "
            f"agree under its declarations but show different numbers of optional lines: {note}\n"
            f"  if those lines are the listing's results, the listing is racy: fix it rather than declare them "
            f"optional, then run `make update-outputs` again\n"
            f"  next: to write the run with the most of them anyway: {WRITE_FULLEST_COMMAND}")


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
