"""Check a set of blocks: run each distinct command once (or take it from the cache),
then judge every block against its run.

This is the one entry point shared by the Sphinx build, the pytest plugin and the
update command, so all three see the same runs and the same verdicts.
"""

from __future__ import annotations

import ast
import asyncio
import sys
import threading
import time
from collections.abc import Callable, Coroutine, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from . import interpreters
from .blocks import OutputBlock
from .cache import ResultCache
from .compare import UPDATE_HINT, Verdict, check
from .normalize import HostPaths
from .runner import Batch, RunResult, RunSpec, run_many, run_snippet, snippet_environment

T = TypeVar("T")


@dataclass
class Settings:
    """Where snippets live and how to run them."""

    snippets_dir: Path
    python: str = sys.executable
    cache_dir: Path | None = None  # None: run everything, remember nothing
    timeout: float = 30.0
    jobs: int | None = None
    update_hint: str = UPDATE_HINT
    extra_env: dict[str, str] = field(default_factory=dict)
    trace_site: Path | None = None  # the folder whose sitecustomize records an instrumented run

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
        if not all((settings.snippets_dir / f"{name}.py").is_file() for name in filter(None, [spec.snippet, spec.server])):
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
        python = pythons[spec]
        return await run_snippet(
            spec,
            snippets_dir=settings.snippets_dir,
            python=python,
            timeout=timeout,
            env=settings.environment(python, spec),
        )

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
    batch.failed = sum(1 for r in batch.results.values() if not (r.completed or r.unavailable))
    batch.seconds = time.monotonic() - started
    return batch


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
    """Run and judge, from synchronous code (Sphinx, pytest hooks, the command line)."""
    batch = run_sync(run_blocks(blocks, settings))
    return judge(blocks, batch, settings), batch


def run_sync(coro: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run`` that also works when the caller already runs an event loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    box: list[Any] = []

    def target() -> None:
        try:
            box.append((True, asyncio.run(coro)))
        except BaseException as exc:  # re-raised in the caller's thread
            box.append((False, exc))

    thread = threading.Thread(target=target, name="outputcheck")
    thread.start()
    thread.join()
    ok, value = box[0]
    if not ok:
        raise value
    return value
