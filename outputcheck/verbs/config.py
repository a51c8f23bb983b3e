"""One place for the project's settings: ``[tool.outputcheck]`` in ``pyproject.toml``.

The Sphinx build, pytest and the command line all read it, so they run the same
snippets with the same cache and timeouts.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from ..running import interpreters
from .check import Settings
from ..judging.compare import UPDATE_HINT

DEFAULTS = {
    "pages": "docs",
    "snippets": "snippets",
    "cache": "_build/outputcheck-cache",
    "timeout": 30.0,
    "update-hint": UPDATE_HINT,
    "matrix": ["python3.11", "python3.12", "python3.13"],
    "record": "snippets/verified.json",
    "trace-site": "timeline/site",
}


@dataclass(frozen=True)
class Project:
    """Where the book's parts are, resolved against the project root."""

    root: Path
    pages: Path
    snippets: Path
    cache: Path
    timeout: float
    update_hint: str
    matrix: tuple[str, ...]
    record: Path
    trace_site: Path

    def settings(self, *, use_cache: bool = True, python: str | None = None) -> Settings:
        """How to run this project's listings (``python``: what ``python3`` runs; by
        default the Python a reader has, see :func:`interpreters.reader_python`)."""
        return Settings(
            snippets_dir=self.snippets,
            python=python or interpreters.reader_python(),
            cache_dir=self.cache if use_cache else None,
            timeout=self.timeout,
            update_hint=self.update_hint,
            trace_site=self.trace_site,
        )


def find_root(start: Path) -> Path:
    """The nearest folder at or above ``start`` that holds a pyproject.toml (else ``start``)."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / "pyproject.toml").is_file():
            return folder
    return start


def load(start: Path) -> Project:
    """Read ``[tool.outputcheck]`` of the project that contains ``start``."""
    root = find_root(start)
    table: dict[str, object] = {}
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        with pyproject.open("rb") as handle:
            table = tomllib.load(handle).get("tool", {}).get("outputcheck", {})
    unknown = set(table) - set(DEFAULTS)
    if unknown:
        raise ValueError(
            f"{pyproject}: [tool.outputcheck] has unknown key(s) {', '.join(sorted(unknown))}; "
            f"known: {', '.join(DEFAULTS)}"
        )
    values = DEFAULTS | table
    return Project(
        root=root,
        pages=root / str(values["pages"]),
        snippets=root / str(values["snippets"]),
        cache=root / str(values["cache"]),
        timeout=float(values["timeout"]),  # type: ignore[arg-type]
        update_hint=str(values["update-hint"]),
        matrix=tuple(str(v) for v in values["matrix"]),  # type: ignore[attr-defined]
        record=root / str(values["record"]),
        trace_site=root / str(values["trace-site"]),
    )
