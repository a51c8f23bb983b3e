"""Run snippets the way a reader would, many at once, and capture what they print.

A reader types ``python3 name.py`` in the ``snippets/`` folder and sees stdout and
stderr interleaved on one terminal.  To reproduce exactly that, each run gets one
pipe for both streams, unbuffered output, and an environment that is the same on
every machine (nothing inherited from the builder, so no secret can leak into a page).

Runs are independent subprocesses driven by asyncio: a book about asyncio checks its
listings with asyncio.  They start longest first, a few at a time, because on a small
machine starting every interpreter at once costs more than the slowest listing.
"""

from __future__ import annotations

import asyncio
import os
import shlex
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from . import interpreters, processes
from .processes import Running

#: Output beyond this many bytes is drained and dropped, so a runaway snippet cannot
#: exhaust memory; the result says it was truncated.
MAX_OUTPUT_BYTES = 1 << 20


@dataclass(frozen=True, order=True)
class RunSpec:
    """One way of running one snippet: what a reader types after ``$``."""

    snippet: str
    args: tuple[str, ...] = ()
    python: str = "python3"  # as typed by the reader: python3, or python3.N for one version
    warnings: str = "error"  # "error": DeprecationWarning fails the run; "default": Python's own filters
    server: str = ""  # a server snippet started first, listening, and stopped with Ctrl-C after
    trace: bool = False  # an instrumented run: the event loop is recorded for a timeline

    @property
    def filename(self) -> str:
        return f"{self.snippet}.py"

    @property
    def label(self) -> str:
        """A name for this way of running, unique among specs (for timings and logs)."""
        return (
            self.command_line
            + (f" (server {self.server}.py)" if self.server else "")
            + (" (instrumented)" if self.trace else "")
        )

    @property
    def command_line(self) -> str:
        """The command as printed on the page (``python3 name.py args``)."""
        return shlex.join([self.python, self.filename, *self.args])


@dataclass
class RunResult:
    """What one run printed and how it ended."""

    spec: RunSpec
    output: str
    returncode: int | None
    duration: float
    timed_out: bool = False
    truncated: bool = False
    missing: bool = False
    unavailable: bool = False  # the interpreter the block asks for is not installed here
    cached: bool = False
    cached_here: bool = False  # from the cache, but stored by this same command (its prefetch, its other edition)
    error: str = ""
    python: str = ""  # the interpreter that ran it
    server_output: str = ""  # what the server printed, when the run had one
    server_returncode: int | None = None
    server_problem: str = ""  # the server did not listen, or did not stop after Ctrl-C
    client_started: bool = True  # False when the server never got ready for it
    trace: str = ""  # the event-loop record of an instrumented run (JSON)

    @property
    def completed(self) -> bool:
        """True when the process ran to its own end (any exit code)."""
        return not (self.timed_out or self.missing or self.unavailable or self.error or not self.client_started)

    @property
    def clean(self) -> bool:
        """Completed, and its server (if any) started and stopped as a reader's would:
        the only kind of run worth remembering beyond the command that made it."""
        return self.completed and not self.server_problem


def snippet_environment(
    python: str, extra: dict[str, str] | None = None, warnings: str = "error", trace_site: Path | None = None
) -> dict[str, str]:
    """The complete, fixed environment of a snippet run.

    Only what Python needs: a PATH that finds the interpreter first, a UTF-8 locale, a
    fixed hash seed (so set and dict order of strings is reproducible), unbuffered
    output (so stdout and stderr interleave as written), and DeprecationWarning as an
    error (so a listing that relies on a deprecated API fails the build, not the reader).
    """
    bindir = str(Path(python).parent)
    env = {
        "PATH": os.pathsep.join([bindir, "/usr/local/bin", "/usr/bin", "/bin"]),
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "TZ": "UTC",
        "PYTHONHASHSEED": "0",
        "PYTHONUNBUFFERED": "1",
        "PYTHONUTF8": "1",
        "PYTHONIOENCODING": "utf-8",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    if warnings == "error":
        env["PYTHONWARNINGS"] = "error::DeprecationWarning"
    if trace_site is not None:
        # An instrumented run: a sitecustomize there records the event loop; the listing
        # itself is unchanged (see timeline/site/sitecustomize.py).
        env["PYTHONPATH"] = str(trace_site)
    if extra:
        env.update(extra)
    return env


async def run_snippet(
    spec: RunSpec,
    *,
    snippets_dir: Path,
    python: str | None = None,
    timeout: float = 30.0,
    env: dict[str, str] | None = None,
    max_output: int = MAX_OUTPUT_BYTES,
) -> RunResult:
    """Run one snippet in its own session and return what it printed.

    Whatever happens (exit, timeout, cancellation), every process the snippet started
    is killed before this returns: no process outlives a build or a test.  A run cut
    short because the command is stopping raises :class:`processes.Interrupted`: its
    output proves nothing and must not be recorded.
    """
    if not (snippets_dir / spec.filename).is_file():
        return RunResult(spec, "", None, 0.0, missing=True)
    python = python or interpreters.reader_python()
    started = time.monotonic()
    env = env if env is not None else snippet_environment(python)
    with tempfile.TemporaryDirectory(prefix="outputcheck-trace-") as folder:
        trace_file = Path(folder) / "trace.json"
        if spec.trace:
            env = {**env, "OUTPUTCHECK_TRACE": str(trace_file)}  # not part of any cache key
        label = f"{spec.filename} (instrumented)" if spec.trace else spec.filename
        running = await Running.start(python, spec.filename, spec.args, snippets_dir, env, max_output, label)
        timed_out = False
        try:
            timed_out = await running.wait(timeout)
        finally:
            # The main process has ended or run out of time: whatever it left behind
            # (children, grandchildren holding the pipe) goes with it.
            output, truncated = await running.stop()
        if processes.stopping():
            raise processes.Interrupted(f"{spec.label} was stopped by an interrupt")
        trace = trace_file.read_text(encoding="utf-8") if spec.trace and trace_file.is_file() else ""
    error = ""
    if spec.trace and not timed_out and not trace:
        error = "the instrumented run wrote no event-loop record (is PYTHONPATH's sitecustomize shadowed?)"
    return RunResult(
        spec,
        output,
        None if timed_out else running.proc.returncode,
        time.monotonic() - started,
        timed_out=timed_out,
        truncated=truncated,
        python=python,
        trace=trace,
        error=error,
    )


@dataclass
class Batch:
    """Counts of one batch of runs, for progress lines and for tests."""

    ran: int = 0
    cached: int = 0
    failed: int = 0
    cached_here: int = 0  # of the cached ones, those this same command ran moments ago
    seconds: float = 0.0
    results: dict[RunSpec, RunResult] = field(default_factory=dict)
    rerun: int = 0  # failed runs done again, fresh, before their blocks were judged

    def summary(self) -> str:
        return (
            f"{len(self.results)} snippet runs: {self.ran} ran, {self.cached} cached"
            + (f" ({self.cached_here} of them run by this same command: its prefetch or its other edition)"
               if self.cached_here else "")
            + ", "
            f"{self.failed} failed"
            + (f", {self.rerun} rerun fresh after a failure" if self.rerun else "")
            + f" ({self.seconds:.2f} s)"
        )


async def run_many(
    specs: Iterable[tuple[RunSpec, float]],
    run_one: Callable[[RunSpec, float], Awaitable[RunResult]],
    *,
    expected_duration: Callable[[RunSpec], float | None],
    jobs: int | None = None,
    on_result: Callable[[RunResult], None] | None = None,
) -> dict[RunSpec, RunResult]:
    """Run ``(spec, timeout)`` pairs concurrently, at most ``jobs`` at a time.

    The longest runs start first (unknown durations count as longest, since a new or
    edited snippet might be slow), so the batch ends close to the slowest run.
    """
    def longest_first(item: tuple[RunSpec, float]) -> tuple[float, RunSpec]:
        expected = expected_duration(item[0])
        return (-(float("inf") if expected is None else expected), item[0])

    pending = sorted(specs, key=longest_first)
    limit = asyncio.Semaphore(jobs or default_jobs())
    results: dict[RunSpec, RunResult] = {}

    async def guarded(spec: RunSpec, timeout: float) -> None:
        async with limit:
            result = await run_one(spec, timeout)
        results[spec] = result
        if on_result:
            on_result(result)

    await asyncio.gather(*(guarded(s, t) for s, t in pending))
    return results


def default_jobs() -> int:
    """Concurrent runs: listings mostly sleep, so six per core keep the cores busy.

    Measured on 2 cores with the book's 43 plain runs (``pytest snippets``, no cache,
    3 tries each): 3 per core 5.5-5.8 s, 6 per core 3.8-3.9 s, 10 per core 3.5-3.7 s,
    30 per core 3.6-3.9 s (no faster, each run slower).  A clean ``make html`` (60
    runs beside two Sphinx processes) is CPU-bound: 6.1, 6.0 and 5.9 s.  With 25 runs,
    3 per core had been enough (3.2 s; 6 per core 2.7 s).
    """
    return 6 * (os.cpu_count() or 1)
