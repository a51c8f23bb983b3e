"""The layers of the project hold: ``lint-imports`` keeps the contracts of pyproject.toml
(outputcheck's layers, the project's packages over outputcheck, no circle anywhere), and
breaks them when an import points up, so the check itself is proven to bite."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("outputcheck", "bilingual", "reader", "timeline", "bench")
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def lint_imports(cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=cwd, capture_output=True, text=True, timeout=120, check=False
    )


def test_the_contracts_are_kept() -> None:
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 3 kept, 0 broken." in result.stdout


def test_an_upward_import_breaks_the_layers(tmp_path: Path) -> None:
    """A copy of the project where running/ (the lowest layer) imports a verb."""
    for name in PACKAGES:
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__", "tmp"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    runner = tmp_path / "outputcheck" / "running" / "runner.py"
    runner.write_text(runner.read_text() + "\nfrom ..verbs import check  # noqa: E402  (points up)\n")
    result = lint_imports(tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "outputcheck.running.runner -> outputcheck.verbs.check" in result.stdout
    assert "BROKEN" in result.stdout


def test_no_import_circle_between_any_two_modules() -> None:
    """Strongly connected parts of the import graph of every package (Tarjan): none has
    more than one module, so no chain of imports ever comes back to where it started."""
    sys.path.insert(0, str(ROOT))
    try:
        graph = grimp.build_graph(*PACKAGES, cache_dir=None)
    finally:
        sys.path.remove(str(ROOT))
    assert "outputcheck.declaring.hostfacts" in graph.modules
    circles = [part for part in _strongly_connected(graph) if len(part) > 1]
    assert circles == []


def _strongly_connected(graph: grimp.ImportGraph) -> list[list[str]]:
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    parts: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            part = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                part.append(top)
                if top == module:
                    break
            parts.append(sorted(part))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return parts
