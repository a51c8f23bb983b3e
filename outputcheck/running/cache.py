"""Remember runs on disk, so an unchanged snippet never runs twice.

A result is keyed on everything that can change what a run prints: the bytes of the
snippet and of the local modules it imports, its arguments, the interpreter (path and
full version), the fixed environment and this tool's own format version.  The verdict
is never cached: comparison (with its normalization) is redone from the stored output
every time, so a changed block or ``:vary:`` can never reuse a stale pass.

A failure is never replayed.  A run that did not end cleanly (a timeout, a server that
did not listen or stop), or whose output a block found wrong, is served only to the
command that made it (both editions of one ``make html``, through the owner marker of
:mod:`outputcheck.running.processes`); the next command runs it again.  A command that is
interrupted leaves nothing: nothing is stored once it is stopping, and what it stored
before is removed (:func:`forget_on_interrupt`), so the next command behaves as if the
interrupted one had never run.

Entries are written whole (temporary file, then rename) so concurrent builds and test
runs share the cache safely.  An entry that does not parse, or whose checksum or key
does not match, is ignored and the snippet runs again: never a false pass.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import time
from collections.abc import AsyncIterator
from dataclasses import asdict
from pathlib import Path

from filelock import FileLock, Timeout

from . import interpreters, interrupts, processes
from .files import write_atomic
from .imports import local_sources
from .runner import RunResult, RunSpec

FORMAT = 2


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def source_files(spec: RunSpec, snippets_dir: Path) -> dict[str, str]:
    """Digest of every file a run depends on: the snippet(s) and local modules they import."""
    scripts = [snippets_dir / spec.filename]
    if spec.server:
        scripts.append(snippets_dir / f"{spec.server}.py")
    return {
        str(path.relative_to(snippets_dir)): _digest(path.read_bytes())
        for script in scripts
        for path in local_sources(script)
    }


def tracer_files(site: Path) -> dict[str, str]:
    """Digest of the code an instrumented run loads from outside the listing: the trace
    site's ``sitecustomize`` and the modules of the folder above it (the tracer it loads
    by path), so an edited tracer never serves a trace it did not record."""
    paths = sorted(site.glob("*.py")) + sorted(site.parent.glob("*.py"))
    return {f"<trace>/{path.parent.name}/{path.name}": _digest(path.read_bytes()) for path in paths}


def source_digest(spec: RunSpec, snippets_dir: Path) -> str:
    """One digest of :func:`source_files` (what the matrix record is keyed on)."""
    return _digest(json.dumps(source_files(spec, snippets_dir), sort_keys=True).encode())[:16]


def forget_on_interrupt(folder: Path) -> None:
    """On an interrupt, remove every entry this command (its owner) stored in ``folder``,
    and the markers that vouch for them."""

    def forget() -> None:
        needle = f'"owner": "{processes.OWNER}"'.encode()
        for path in folder.glob("??/*.json"):
            try:
                if needle in path.read_bytes():
                    path.unlink()
            except OSError:
                pass
        (folder / "prefetched").unlink(missing_ok=True)

    interrupts.on_interrupt(forget, key=("forget cache entries", folder))


class ResultCache:
    """A folder of JSON entries, one per run key."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.damaged: list[Path] = []
        forget_on_interrupt(folder)

    def key(self, spec: RunSpec, snippets_dir: Path, python: str, env: dict[str, str]) -> str:
        files = source_files(spec, snippets_dir)
        if spec.trace and env.get("PYTHONPATH"):
            files.update(tracer_files(Path(env["PYTHONPATH"])))
        material = {
            "format": FORMAT,
            "spec": [spec.snippet, list(spec.args), spec.python, spec.warnings, spec.server, spec.trace],
            "files": files,
            "python": interpreters.identity(python),
            "env": env,
        }
        return _digest(json.dumps(material, sort_keys=True).encode())

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"

    def _read(self, key: str) -> dict | None:
        """The entry of ``key`` if it is whole and its own; damaged ones are noted."""
        path = self._path(key)
        try:
            raw = path.read_text(encoding="utf-8")
        except (FileNotFoundError, NotADirectoryError):
            return None
        except OSError:
            self.damaged.append(path)
            return None
        try:
            entry = json.loads(raw)
            if entry["key"] != key or entry["checksum"] != _digest(
                json.dumps(entry["result"], sort_keys=True).encode()
            ):
                raise ValueError("checksum")
        except (ValueError, KeyError, TypeError):
            self.damaged.append(path)
            return None
        return entry

    def get(self, key: str, spec: RunSpec, mine_only: bool = False) -> RunResult | None:
        """The stored run of ``key``, unless it is damaged, or a failure that another
        command made (see the module's docstring); ``mine_only``: only if this command
        made it."""
        entry = self._read(key)
        if entry is None:
            return None
        try:
            result = RunResult(spec=spec, **{k: v for k, v in entry["result"].items() if k != "spec"})
        except TypeError:
            self.damaged.append(self._path(key))
            return None
        own = entry.get("owner") == processes.OWNER
        if (mine_only or not result.clean or entry.get("failed")) and not own:
            return None
        result.cached = True
        result.cached_here = own
        return result

    def put(self, key: str, result: RunResult) -> None:
        """Store a run (never while the command is stopping: its runs were cut short)."""
        if result.missing or result.unavailable or processes.stopping():
            return
        body = asdict(result)
        body.pop("spec")
        body["cached"] = body["cached_here"] = False
        entry = {
            "key": key,
            "snippet": result.spec.command_line,
            "owner": processes.OWNER,
            "checksum": _digest(json.dumps(body, sort_keys=True).encode()),
            "result": body,
        }
        self._write(key, entry)

    def mark_failed(self, key: str) -> None:
        """A block found this run wrong: from now on only this command may reuse it."""
        entry = self._read(key)
        if entry is None or processes.stopping():
            return
        entry["failed"] = True
        entry["owner"] = processes.OWNER
        self._write(key, entry)

    def _write(self, key: str, entry: dict) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, json.dumps(entry, ensure_ascii=False, indent=1).encode())

    @staticmethod
    def rerun_key(key: str) -> str:
        """Where the fresh rerun of a failed run is kept (for the rest of the command)."""
        return _digest(f"rerun of {key}".encode())

    @contextlib.asynccontextmanager
    async def claim(self, key: str, wait: float) -> AsyncIterator[bool]:
        """Hold the run of ``key`` for this process; wait (up to ``wait`` s) while
        another holds it.  Yields whether the claim was obtained (after ``wait`` the
        caller runs anyway: never a hang, at worst a second run)."""
        locks = self.folder / "locks"
        locks.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(locks / f"{key}.lock"))
        deadline = time.monotonic() + wait
        obtained = False
        while True:
            try:
                lock.acquire(timeout=0)
                obtained = True
                break
            except Timeout:
                if time.monotonic() >= deadline:
                    break
                await asyncio.sleep(0.02)
        try:
            yield obtained
        finally:
            if obtained:
                lock.release()

    # -- how long each snippet took last time, to start the longest first -----------

    def _durations_path(self) -> Path:
        return self.folder / "durations.json"

    def durations(self) -> dict[str, float]:
        try:
            data = json.loads(self._durations_path().read_text(encoding="utf-8"))
            return {str(k): float(v) for k, v in data.items()}
        except (OSError, ValueError, TypeError, AttributeError):
            return {}

    def record_durations(self, results: list[RunResult]) -> None:
        fresh = {r.spec.label: r.duration for r in results if r.completed and not r.cached}
        if not fresh or processes.stopping():
            return
        merged = self.durations() | fresh
        self.folder.mkdir(parents=True, exist_ok=True)
        write_atomic(self._durations_path(), json.dumps(merged, indent=1, sort_keys=True).encode())

