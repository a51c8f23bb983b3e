"""Which local files a snippet's output depends on.

A snippet may import a helper module that lives beside it in ``snippets/``, or read a
data file there by name (a certificate, a text file a child process sorts).  Editing
either changes the snippet's output, so both are part of the cache key and dependencies
of every page that shows the snippet.
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


def _named_files(tree: ast.AST) -> set[str]:
    """String literals that could name a file beside the script (``"localhost.crt"``)."""
    return {
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
        and 0 < len(node.value) < 200 and "/" not in node.value and "\n" not in node.value
    }


@functools.lru_cache(maxsize=1024)
def _references_of(path: Path, size: int, mtime_ns: int) -> tuple[frozenset[str], frozenset[str]]:
    """Top-level names a file imports, and the strings that may name a data file
    (remembered while the file is unchanged)."""
    try:
        tree = ast.parse(path.read_bytes(), filename=str(path))
    except (SyntaxError, ValueError, OSError):
        return frozenset(), frozenset()  # the run itself will report the error; the file is still keyed
    return frozenset(_imported_names(tree)), frozenset(_named_files(tree))


def local_sources(script: Path) -> list[Path]:
    """``script``, every module under its folder it imports, directly or not, and every
    other file of that folder one of them names in a string, sorted."""
    folder = script.parent
    seen: dict[Path, None] = {}
    todo = [script]
    while todo:
        path = todo.pop()
        if path in seen or not path.is_file():
            continue
        seen[path] = None
        if path.suffix != ".py":
            continue
        st = path.stat()
        imported, named = _references_of(path, st.st_size, st.st_mtime_ns)
        for name in imported:
            for candidate in (folder / f"{name}.py", folder / name / "__init__.py"):
                if candidate.is_file():
                    todo.append(candidate)
        for name in named:
            candidate = folder / name
            if candidate.suffix != ".py" and candidate.is_file():
                seen[candidate] = None
    return sorted(seen)
