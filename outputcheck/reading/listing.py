"""Cut the part of a snippet that a listing shows.

A listing shows a whole file, one Python object (``EchoServer.connection_made``), a
region marked in the file, or a range of lines.  Region markers are comments::

    # region startup
    ...
    # endregion

They are never shown: not in a region, not in the whole file.
"""

from __future__ import annotations

import ast
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

_MARKER = re.compile(r"^\s*#\s*(?:region\s+(?P<name>[\w-]+)|endregion\b.*)\s*$")


class ListingError(ValueError):
    """The requested part of a snippet does not exist; the message lists what does."""


@dataclass(frozen=True)
class Excerpt:
    text: str
    first_line: int  # line number in the file of the first shown line
    contiguous: bool  # False when marker lines were dropped from the middle


def regions(lines: list[str]) -> dict[str, tuple[int, int]]:
    """Region name -> (first, last) 0-based line indexes of its body."""
    found: dict[str, tuple[int, int]] = {}
    stack: list[tuple[str, int]] = []
    for i, line in enumerate(lines):
        m = _MARKER.match(line)
        if not m:
            continue
        if m.group("name"):
            stack.append((m.group("name"), i + 1))
        elif stack:
            name, start = stack.pop()
            found[name] = (start, i - 1)
    return found


def find_object(source: str, dotted: str) -> tuple[int, int]:
    """1-based first and last line of a class or function (decorators included)."""
    tree: ast.AST = ast.parse(source)
    node: ast.AST = tree
    for part in dotted.split("."):
        children = [
            n for n in ast.iter_child_nodes(node)
            if isinstance(n, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and n.name == part
        ]
        if not children:
            known = sorted(
                n.name for n in ast.iter_child_nodes(node)
                if isinstance(n, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
            )
            raise ListingError(f"no object {dotted!r} (at {part!r}); defined here: {', '.join(known) or 'none'}")
        node = children[0]
    assert isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
    first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
    last = node.end_lineno or node.lineno
    # The syntax tree ends at the last statement; comments that close the body belong
    # to the object too (anything indented deeper than its ``def``/``class`` line).
    lines = source.split("\n")
    indent = len(lines[node.lineno - 1]) - len(lines[node.lineno - 1].lstrip())
    following = last
    while following < len(lines):
        text = lines[following]
        if text.strip() and not (text.lstrip().startswith("#") and len(text) - len(text.lstrip()) > indent):
            break
        following += 1
        if text.strip():
            last = following
    return first, last


def parse_lines(spec: str, count: int) -> list[int]:
    """``"1-3,5"`` -> 0-based indexes within ``count`` lines."""
    picked: list[int] = []
    for item in spec.split(","):
        item = item.strip()
        m = re.fullmatch(r"(\d*)\s*-\s*(\d*)|(\d+)", item)
        if not m:
            raise ListingError(f":lines: takes ranges like '3-8, 10', not {item!r}")
        if m.group(3):
            a = b = int(m.group(3))
        else:
            a = int(m.group(1) or 1)
            b = int(m.group(2) or count)
        if not 1 <= a <= b <= count:
            raise ListingError(f":lines: range {item!r} is outside 1-{count}")
        picked.extend(range(a - 1, b))
    return picked


def excerpt(
    path: Path,
    *,
    pyobject: str | None = None,
    region: str | None = None,
    lines: str | None = None,
    dedent: int | None | bool = False,
) -> Excerpt:
    """The shown text of ``path`` and the file line where it starts."""
    source = path.read_text(encoding="utf-8")
    all_lines = source.split("\n")
    if source.endswith("\n"):
        all_lines.pop()
    indexes = list(range(len(all_lines)))
    if pyobject and region:
        raise ListingError("give either :pyobject: or :region:, not both")
    if pyobject:
        first, last = find_object(source, pyobject)
        indexes = list(range(first - 1, last))
    elif region:
        known = regions(all_lines)
        if region not in known:
            raise ListingError(
                f"no region {region!r} in {path.name}; marked regions: {', '.join(sorted(known)) or 'none'} "
                f"(mark one with '# region {region}' ... '# endregion')"
            )
        a, b = known[region]
        indexes = list(range(a, b + 1))
    if lines:
        indexes = [indexes[i] for i in parse_lines(lines, len(indexes))]
    shown = [i for i in indexes if not _MARKER.match(all_lines[i])]
    while shown and not all_lines[shown[0]].strip():
        shown.pop(0)
    while shown and not all_lines[shown[-1]].strip():
        shown.pop()
    if not shown:
        raise ListingError(f"the selection of {path.name} is empty")
    text = "\n".join(all_lines[i] for i in shown)
    if dedent is True or dedent is None:
        text = textwrap.dedent(text)
    elif dedent:
        text = "\n".join(line[dedent:] if line[:dedent].strip() == "" else line.lstrip() for line in text.split("\n"))
    contiguous = shown == list(range(shown[0], shown[-1] + 1))
    return Excerpt(text, shown[0] + 1, contiguous)
