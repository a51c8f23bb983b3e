"""Find the interpreter a block asks for.

``python3`` is the Python a reader has: the interpreter the build's virtualenv was made
from, not the virtualenv (:func:`reader_python`), so a listing that imports one of the
book's own tools (Sphinx, Playwright) fails here as it would for the reader.  ``python3.N`` (a block that shows a
listing on one particular version, such as the historical generator listing on 3.8)
is looked up on PATH, then under pyenv.  A reader's machine may have none of them:
then the block is reported as not verified here, never as passed.
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from .files import write_atomic


#: Versions asked before, by interpreter file (path, size, mtime): starting an
#: interpreter to ask costs 20-50 ms, a no-op rebuild should not pay it every time.
_KNOWN = Path(tempfile.gettempdir()) / f"outputcheck-interpreters-{os.getuid() if hasattr(os, 'getuid') else 0}.json"


def _stamp(python: str) -> str | None:
    try:
        real = os.path.realpath(python)
        st = os.stat(real)
    except OSError:
        return None
    return f"{real}|{st.st_size}|{st.st_mtime_ns}"


@functools.lru_cache(maxsize=None)
def identity(python: str) -> str | None:
    """Resolved path and full version of a working interpreter, else None.

    Asked once per interpreter file (remembered across processes while the file is
    unchanged); a pyenv shim with no such version installed, or a broken interpreter,
    gives None.  Only a file that is itself the interpreter is remembered: a wrapper
    script (a shim) is asked every time.
    """
    stamp = _stamp(python)
    known = _load_known()
    if stamp and stamp in known:
        return known[stamp]
    found = _ask(python)
    if found and stamp and _is_binary(python):
        known[stamp] = found
        try:
            write_atomic(_KNOWN, json.dumps(known, indent=1, sort_keys=True).encode())
        except OSError:
            pass
    return found


def _load_known() -> dict[str, str]:
    try:
        data = json.loads(_KNOWN.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def _is_binary(python: str) -> bool:
    try:
        with open(os.path.realpath(python), "rb") as handle:
            return handle.read(4) == b"\x7fELF"
    except OSError:
        return False


def _ask(python: str) -> str | None:
    try:
        done = subprocess.run(
            [python, "-c", "import sys; print(sys.version)"],
            capture_output=True,
            text=True,
            timeout=30,
            env={"PATH": os.defpath},
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if done.returncode != 0:
        return None
    return f"{os.path.realpath(python)} {done.stdout.strip()}"


def _candidates(name: str) -> list[str]:
    found = []
    on_path = shutil.which(name)
    # A pyenv shim is a script that picks a version by its own rules (and fails when the
    # version is not selected): the interpreters it would run are found below directly.
    if on_path and "shims" not in Path(on_path).parts:
        found.append(on_path)
    version = name.removeprefix("python")
    root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    if root.is_dir():
        folders = [p for p in root.glob(f"{version}.*") if re.fullmatch(rf"{re.escape(version)}\.\d+", p.name)]
        folders.sort(key=lambda p: int(p.name.rsplit(".", 1)[1]), reverse=True)
        found += [str(p / "bin" / name) for p in folders]
    return found


@functools.lru_cache(maxsize=1)
def reader_python() -> str:
    """The interpreter under the running virtualenv (this one, outside a virtualenv).

    Its own site-packages are what a reader with the same Python has; the virtualenv's,
    where the build's dependencies live, are not visible to it.
    """
    if sys.prefix == sys.base_prefix:
        return sys.executable
    base = getattr(sys, "_base_executable", "")
    if base and os.path.realpath(base) != os.path.realpath(os.path.join(sys.prefix, "bin", os.path.basename(base))):
        return base
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    for candidate in (Path(sys.base_prefix) / "bin" / version, Path(sys.base_prefix) / "bin" / "python3"):
        if candidate.is_file():
            return str(candidate)
    return sys.executable  # pragma: no cover - a virtualenv without its base: nothing better


@functools.lru_cache(maxsize=None)
def find(name: str, default: str | None = None) -> str | None:
    """Path of a working ``name`` (``python3`` or ``python3.N``), or None if absent."""
    if name == "python3":
        return default or reader_python()
    for candidate in _candidates(name):
        if identity(candidate):
            return candidate
    return None


def version(python: str) -> str:
    """Full version of an interpreter (``3.11.7``), or '' if it does not run."""
    ident = identity(python) or ""
    parts = ident.split(" ")
    return parts[1] if len(parts) > 1 else ""


def name_of(python: str) -> str:
    """The command a reader would type for it: ``python3.11``."""
    full = version(python)
    return "python" + ".".join(full.split(".")[:2]) if full else ""
