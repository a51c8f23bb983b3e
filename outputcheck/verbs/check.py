"""Check a set of blocks: run each distinct command once (or take it from the cache),
then judge every block against its run.

A block that fails is not reported at once: its run is done again, fresh, and only
then judged for good.  If the fresh run matches, the block is *flaky* (its output
changes from run to run in a way the block does not declare), which is reported as
such, with both runs.  Either way the failed run is marked in the cache, so no later
command is served it (:mod:`outputcheck.running.cache`).

This is the one entry point shared by the Sphinx build, the pytest plugin and the
update command, so all three see the same runs and the same verdicts.
"""

from __future__ import annotations

import ast
import asyncio
import os
import time
from collections.abc import Callable, Coroutine, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from ..running import interpreters, interrupts, servers
from ..reading.blocks import BlockError, OutputBlock, snippet_path
from ..running.cache import ResultCache
from ..judging.compare import UPDATE_HINT, Verdict, check, flaky
from ..declaring.normalize import HostPaths
from ..running.runner import Batch, RunResult, RunSpec, run_many, run_snippet, snippet_environment

T = TypeVar("T")


@dataclass
class Settings:
    """Where snippets live and how to run them."""

    snippets_dir: Path
    python: str = field(default_factory=interpreters.reader_python)  # what ``python3`` runs
    cache_dir: Path | None = None  # None: run everything, remember nothing
    timeout: float = 30.0
    jobs: int | None = None
    update_hint: str = UPDATE_HINT
    extra_env: dict[str, str] = field(default_factory=dict)
    trace_site: Path | None = None  # the folder whose sitecustomize records an instrumented run
    #: A flaky block fails the check (in CI) instead of only being reported.
    strict: bool = field(default_factory=lambda: os.environ.get("CI", "").lower() not in ("", "0", "false", "no"))

    def environment(self, python: str, spec: RunSpec) -> dict[str, str]:
        """The complete environment of one run of ``spec`` (it is part of the cache key)."""
        site = self.trace_site if spec.trace else None
        if spec.trace and site is None:
            raise ValueError("an instrumented run needs [tool.outputcheck] trace-site")
        return snippet_environment(python, self.extra_env, spec.warnings, site)

    def timeout_of(self, block: OutputBlock) -> float:
        return block.timeout if block.timeout is not None else self.timeout


async def run_blocks(
    blocks: Iterable[OutputBlock],
    settings: Settings,
    on_result: Callable[[RunResult], None] | None = None,
) -> Batch:
    """Run every distinct command of ``blocks`` once, cached runs excepted."""
    started = time.monotonic()
    timeouts: dict[RunSpec, float] = {}
    for block in blocks:
        timeouts[block.spec] = max(timeouts.get(block.spec, 0.0), settings.timeout_of(block))
    cache = ResultCache(settings.cache_dir) if settings.cache_dir else None
    batch = Batch()
    keys: dict[RunSpec, str] = {}
    pythons: dict[RunSpec, str] = {}
    todo: list[tuple[RunSpec, float]] = []
    for spec, timeout in sorted(timeouts.items()):
        try:
            scripts = [snippet_path(settings.snippets_dir, name) for name in filter(None, [spec.snippet, spec.server])]
        except BlockError as exc:
            batch.results[spec] = RunResult(spec, "", None, 0.0, error=str(exc))
            continue
        if not all(script.is_file() for script in scripts):
            batch.results[spec] = RunResult(spec, "", None, 0.0, missing=True)
            continue
        python = interpreters.find(spec.python, settings.python)
        if python is None:
            batch.results[spec] = RunResult(spec, "", None, 0.0, unavailable=True)
            continue
        if spec.trace and not (settings.trace_site and (settings.trace_site / "sitecustomize.py").is_file()):
            batch.results[spec] = RunResult(
                spec, "", None, 0.0,
                error=f"no sitecustomize.py in the trace site {settings.trace_site} ([tool.outputcheck] trace-site)",
            )
            continue
        pythons[spec] = python
        if cache:
            keys[spec] = cache.key(spec, settings.snippets_dir, python, settings.environment(python, spec))
            hit = cache.get(keys[spec], spec)
            if hit is not None:
                batch.results[spec] = hit
                batch.cached += 1
                continue
        todo.append((spec, timeout))
    durations = cache.durations() if cache else {}

    def expected(spec: RunSpec) -> float | None:
        if spec.label in durations:
            return durations[spec.label]
        return estimate_duration(settings.snippets_dir / spec.filename)

    async def execute(spec: RunSpec, timeout: float) -> RunResult:
        return await run_fresh(spec, settings, pythons[spec], timeout)

    async def run_one(spec: RunSpec, timeout: float) -> RunResult:
        if not cache:
            return await execute(spec, timeout)
        # One run per key across processes: the other edition's build, a test run or
        # the prefetcher may be running this very snippet; wait for it and reuse it.
        async with cache.claim(keys[spec], wait=timeout + 10):
            hit = cache.get(keys[spec], spec)
            if hit is not None:
                return hit
            result = await execute(spec, timeout)
            cache.put(keys[spec], result)
            return result

    def finished(result: RunResult) -> None:
        if on_result:
            on_result(result)

    fresh = await run_many(
        todo,
        run_one,
        expected_duration=expected,
        jobs=settings.jobs,
        on_result=finished,
    )
    batch.results.update(fresh)
    batch.ran = sum(1 for r in fresh.values() if not r.cached)
    batch.cached += len(fresh) - batch.ran
    if cache:
        cache.record_durations(list(fresh.values()))
    batch.cached_here = sum(1 for r in batch.results.values() if r.cached and r.cached_here)
    batch.failed = sum(1 for r in batch.results.values() if not (r.completed or r.unavailable))
    batch.seconds = time.monotonic() - started
    return batch


async def run_fresh(spec: RunSpec, settings: Settings, python: str, timeout: float) -> RunResult:
    """One run, never from the cache: alone, or as a client against its server."""
    how = servers.run_with_server if spec.server else run_snippet
    return await how(spec, snippets_dir=settings.snippets_dir, python=python, timeout=timeout, env=settings.environment(python, spec))


def cached_results(blocks: Iterable[OutputBlock], settings: Settings) -> dict[RunSpec, RunResult] | None:
    """The cached run of every block, without running anything; None if one is missing."""
    if not settings.cache_dir:
        return None
    cache = ResultCache(settings.cache_dir)
    found: dict[RunSpec, RunResult] = {}
    for block in blocks:
        python = interpreters.find(block.spec.python, settings.python)
        if python is None:
            return None
        key = cache.key(block.spec, settings.snippets_dir, python, settings.environment(python, block.spec))
        result = cache.get(key, block.spec)
        if result is None:
            return None
        found[block.spec] = result
    return found


def estimate_duration(script: Path) -> float | None:
    """A first guess of how long a snippet runs, before it ever ran here: the seconds it
    asks to sleep or wait for (0 when it asks for none: a short run).  Only used to start
    long runs first; None only when the file cannot be read as Python."""
    try:
        tree = ast.parse(script.read_bytes())
    except (OSError, SyntaxError, ValueError):
        return None
    total = 0.0
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            values = [*node.args[:1], *(k.value for k in node.keywords if k.arg == "timeout")]
            if name in ("sleep", "wait_for", "wait") or any(k.arg == "timeout" for k in node.keywords):
                total += sum(v.value for v in values if isinstance(v, ast.Constant) and isinstance(v.value, (int, float)))
    return total


def judge(blocks: Iterable[OutputBlock], batch: Batch, settings: Settings) -> list[Verdict]:
    """A verdict per block, in the order given."""
    hosts: dict[str, HostPaths] = {}

    def host(result: RunResult) -> HostPaths:
        python = result.python or settings.python
        if python not in hosts:
            hosts[python] = HostPaths.for_run(settings.snippets_dir, python)
        return hosts[python]

    return [
        check(b, r, host(r), settings.timeout_of(b), settings.update_hint)
        for b in blocks
        for r in [batch.results[b.spec]]
    ]


def check_blocks(blocks: list[OutputBlock], settings: Settings) -> tuple[list[Verdict], Batch]:
    """Run, judge, and rerun what failed, from synchronous code (Sphinx, pytest, the CLI)."""
    return run_sync(check_async(blocks, settings))


async def check_async(blocks: list[OutputBlock], settings: Settings) -> tuple[list[Verdict], Batch]:
    batch = await run_blocks(blocks, settings)
    verdicts = judge(blocks, batch, settings)
    return await recheck(verdicts, batch, settings), batch


#: Failures worth a second, fresh run before they are reported: a wrong output or exit
#: code may be a one-time hiccup of a busy machine; a timeout is not rerun (it would
#: double the wait), a missing file or interpreter cannot change.
def _rerun_worthy(verdict: Verdict) -> bool:
    r = verdict.result
    return not verdict.ok and r.completed and not r.truncated


async def recheck(verdicts: list[Verdict], batch: Batch, settings: Settings) -> list[Verdict]:
    """Rerun each failed run once, fresh, and judge its blocks again.

    The failed run is marked in the cache (no other command is served it).  The rerun is
    kept for this command only, so both editions of one build judge the same two runs.
    A block that the rerun satisfies becomes *flaky*; one that fails again is reported
    with the rerun.
    """
    failed = {v.block.spec: v.result for v in verdicts if _rerun_worthy(v)}
    if not failed:
        return verdicts
    cache = ResultCache(settings.cache_dir) if settings.cache_dir else None
    reruns: dict[RunSpec, RunResult] = {}

    async def again(spec: RunSpec, first: RunResult) -> None:
        python = first.python or interpreters.find(spec.python, settings.python) or settings.python
        timeout = max(settings.timeout_of(v.block) for v in verdicts if v.block.spec == spec)
        if cache is None:
            reruns[spec] = await run_fresh(spec, settings, python, timeout)
            return
        key = cache.key(spec, settings.snippets_dir, python, settings.environment(python, spec))
        cache.mark_failed(key)
        rerun_key = cache.rerun_key(key)
        async with cache.claim(rerun_key, wait=timeout + 10):
            result = cache.get(rerun_key, spec, mine_only=True)
            if result is None:
                result = await run_fresh(spec, settings, python, timeout)
                cache.put(rerun_key, result)
            reruns[spec] = result

    await asyncio.gather(*(again(spec, first) for spec, first in failed.items()))
    batch.rerun = len(reruns)
    second = Batch(results=reruns)
    out: list[Verdict] = []
    for verdict in verdicts:
        spec = verdict.block.spec
        if spec not in reruns or verdict.ok:
            out.append(verdict)
            continue
        (again_verdict,) = judge([verdict.block], second, settings)
        if again_verdict.ok:
            out.append(flaky(verdict, again_verdict, settings.strict))
        else:
            again_verdict.first = verdict.result
            out.append(again_verdict)
    return out


def run_sync(coro: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run`` from synchronous code, in a worker thread that takes no signals.

    The main thread waits in short slices, so Ctrl-C or SIGTERM is acted on at once
    (see :func:`interrupts.worker`); it also works when the caller already runs a loop.
    """
    box: list[Any] = []

    def target() -> None:
        try:
            box.append((True, asyncio.run(coro)))
        except BaseException as exc:  # re-raised in the caller's thread
            box.append((False, exc))

    interrupts.join(interrupts.worker(target, "outputcheck"))
    ok, value = box[0]
    if not ok:
        raise value
    return value
