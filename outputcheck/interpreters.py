"""Find the interpreter a block asks for.

``python3`` is the Python that runs the build.  ``python3.N`` (a block that shows a
listing on one particular version, such as the historical generator listing on 3.8)
is looked up on PATH, then under pyenv.  A reader's machine may have none of them:
then the block is reported as not verified here, never as passed.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path


@functools.lru_cache(maxsize=None)
def identity(python: str) -> str | None:
    """Resolved path and full version of a working interpreter, else None.

    Asked once per process; a pyenv shim with no such version installed, or a broken
    interpreter, gives None.
    """
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
    if on_path:
        found.append(on_path)
    version = name.removeprefix("python")
    root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    if root.is_dir():
        folders = [p for p in root.glob(f"{version}.*") if re.fullmatch(rf"{re.escape(version)}\.\d+", p.name)]
        folders.sort(key=lambda p: int(p.name.rsplit(".", 1)[1]), reverse=True)
        found += [str(p / "bin" / name) for p in folders]
    return found


@functools.lru_cache(maxsize=None)
def find(name: str, default: str = sys.executable) -> str | None:
    """Path of a working ``name`` (``python3`` or ``python3.N``), or None if absent."""
    if name == "python3":
        return default
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
