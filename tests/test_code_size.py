"""No class or function of the book's own code runs over 150 lines: past that, a unit
does several jobs, and its steps should be units of their own, each with its tests."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("outputcheck", "bilingual", "reader", "timeline")
LIMIT = 150


def too_long(source: str, name: str) -> list[str]:
    """``name:line: kind name (n lines)`` for each class or function over the limit
    (decorators and docstrings count: they are part of what a reader reads)."""
    found = []
    for node in ast.walk(ast.parse(source, filename=name)):
        if isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            size = node.end_lineno - first + 1  # type: ignore[operator]
            if size > LIMIT:
                kind = "class" if isinstance(node, ast.ClassDef) else "function"
                found.append(f"{name}:{node.lineno}: {kind} {node.name} ({size} lines)")
    return found


def test_no_class_or_function_over_the_limit() -> None:
    files = sorted(p for package in PACKAGES for p in (ROOT / package).rglob("*.py"))
    assert len(files) > 40
    found = [line for p in files for line in too_long(p.read_text(encoding="utf-8"), str(p.relative_to(ROOT)))]
    assert found == []


def test_the_check_sees_a_long_method_inside_a_class() -> None:
    body = "\n".join(f"        x{i} = {i}" for i in range(LIMIT))
    source = f"class Short:\n    def long(self):\n{body}\n"
    assert too_long(source, "m.py") == [
        f"m.py:1: class Short ({LIMIT + 2} lines)",
        f"m.py:2: function long ({LIMIT + 1} lines)",
    ]
    assert too_long("def f():\n    return 1\n", "m.py") == []
