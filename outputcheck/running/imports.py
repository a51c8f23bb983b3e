"""Which local files a snippet's output depends on.

A snippet may import a helper module that lives beside it in ``snippets/``.  Editing
that helper changes the snippet's output, so it is part of the cache key and a
dependency of every page that shows the snippet.
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path


def _imported_names(tree: ast.AST) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


@functools.lru_cache(maxsize=1024)
def _imports_of(path: Path, size: int, mtime_ns: int) -> frozenset[str]:
    """Top-level names a file imports (remembered while the file is unchanged)."""
    try:
        return frozenset(_imported_names(ast.parse(path.read_bytes(), filename=str(path))))
    except (SyntaxError, ValueError, OSError):
        return frozenset()  # the run itself will report the error; the file is still keyed


def local_sources(script: Path) -> list[Path]:
    """``script`` and every module under its folder it imports, directly or not, sorted."""
    folder = script.parent
    seen: dict[Path, None] = {}
    todo = [script]
    while todo:
        path = todo.pop()
        if path in seen or not path.is_file():
            continue
        seen[path] = None
        st = path.stat()
        for name in _imports_of(path, st.st_size, st.st_mtime_ns):
            for candidate in (folder / f"{name}.py", folder / name / "__init__.py"):
                if candidate.is_file():
                    todo.append(candidate)
    return sorted(seen)
