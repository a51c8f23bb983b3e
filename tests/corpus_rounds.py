"""Fresh runs of corpus listings, for the tests of proposals: N runs at once (a loaded
machine varies what a quiet one does not), each judged like make update-outputs does."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from outputcheck.judging.compare import Verdict
from outputcheck.reading.blocks import OutputBlock
from outputcheck.reading.pages import scan_text
from outputcheck.running.runner import Batch
from outputcheck.verbs.check import Settings, judge, run_fresh

CORPUS = Path(__file__).parent / "corpus"
SETTINGS = Settings(CORPUS / "snippets", sys.executable, cache_dir=None, timeout=60, jobs=2)


def block(command: str, options: list[str] = (), text: str = "") -> OutputBlock:
    body = text or f"$ python3 {command}"
    head = "\n".join(options) + "\n\n" if options else ""
    (found,) = scan_text(CORPUS / "page.md", f"# P\n\n```{{output}}\n{head}{body}\n```\n")
    return found.block()


def fresh(b: OutputBlock, count: int) -> list[Verdict]:
    """``count`` fresh runs of the block's listing, all at once, judged against it."""

    async def runs() -> list:
        return await asyncio.gather(*(run_fresh(b.spec, SETTINGS, sys.executable, 60) for _ in range(count)))

    return [judge([b], Batch(results={b.spec: r}), SETTINGS)[0] for r in asyncio.run(runs())]


def transcripts(b: OutputBlock, count: int) -> list[str]:
    return [v.actual for v in fresh(b, count)]


def debug_slow_line(python: str, attempts: int = 20) -> str:
    """The line debug mode prints about corpus_debug_slow.py's slow step, as ``python``
    prints it through the engine (its paths replaced).  The listing is slow half the
    time (a cold cache), so it runs, fresh, until it prints the line: 20 runs without it
    would happen one time in a million."""
    b = block("corpus_debug_slow.py")
    for _ in range(attempts):
        result = asyncio.run(run_fresh(b.spec, SETTINGS, python, 60))
        (verdict,) = judge([b], Batch(results={b.spec: result}), SETTINGS)
        found = [line for line in verdict.actual.split("\n") if line.startswith("Executing <Task")]
        if found:
            return found[0]
    raise AssertionError(f"{attempts} runs of corpus_debug_slow.py on {python}: none printed the slow step")
