"""Remember runs on disk, so an unchanged snippet never runs twice.

A result is keyed on everything that can change what a run prints: the bytes of the
snippet and of the local modules it imports, its arguments, the interpreter (path and
full version), the fixed environment and this tool's own format version.  The verdict
is never cached: comparison (with its normalization) is redone from the stored output
every time, so a changed block or ``:vary:`` can never reuse a stale pass.

Entries are written whole (temporary file, then rename) so concurrent builds and test
runs share the cache safely.  An entry that does not parse, or whose checksum or key
does not match, is ignored and the snippet runs again: never a false pass.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import os
import stat
import tempfile
import time
from collections.abc import AsyncIterator
from dataclasses import asdict
from pathlib import Path

from filelock import FileLock, Timeout

from . import interpreters
from .imports import local_sources
from .runner import RunResult, RunSpec

FORMAT = 1
#: Seconds a timed-out run is remembered (see :meth:`ResultCache.put`).
FAILED_RUN_MEMORY = 120.0


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


def source_digest(spec: RunSpec, snippets_dir: Path) -> str:
    """One digest of :func:`source_files` (what the matrix record is keyed on)."""
    return _digest(json.dumps(source_files(spec, snippets_dir), sort_keys=True).encode())[:16]


class ResultCache:
    """A folder of JSON entries, one per run key."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.damaged: list[Path] = []

    def key(self, spec: RunSpec, snippets_dir: Path, python: str, env: dict[str, str]) -> str:
        files = source_files(spec, snippets_dir)
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

    def get(self, key: str, spec: RunSpec) -> RunResult | None:
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
            body = entry["result"]
            if entry["key"] != key or entry["checksum"] != _digest(
                json.dumps(body, sort_keys=True).encode()
            ):
                raise ValueError("checksum")
            result = RunResult(spec=spec, **{k: v for k, v in body.items() if k != "spec"})
        except (ValueError, KeyError, TypeError):
            self.damaged.append(path)
            return None
        if not result.completed and time.time() > float(entry.get("expires", 0)):
            return None  # a timeout is remembered only briefly: the next build tries again
        result.cached = True
        return result

    def put(self, key: str, result: RunResult) -> None:
        """Store a run.  A completed run is kept for good (it is keyed on everything that
        can change it).  A run that timed out or failed to start is kept for
        :data:`FAILED_RUN_MEMORY` seconds only: long enough that the other edition and a
        test run of the same build reuse it instead of waiting out the timeout again,
        short enough that the next build tries again (the machine may have been busy)."""
        if result.missing or result.unavailable:
            return
        body = asdict(result)
        body.pop("spec")
        body["cached"] = False
        entry = {
            "key": key,
            "snippet": result.spec.command_line,
            "checksum": _digest(json.dumps(body, sort_keys=True).encode()),
            "result": body,
        }
        if not result.completed:
            entry["expires"] = time.time() + FAILED_RUN_MEMORY
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, json.dumps(entry, ensure_ascii=False, indent=1).encode())

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
        if not fresh:
            return
        merged = self.durations() | fresh
        self.folder.mkdir(parents=True, exist_ok=True)
        write_atomic(self._durations_path(), json.dumps(merged, indent=1, sort_keys=True).encode())


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
