"""Comments inside listings, in the reader's language, from one tested file.

A snippet is written once, with Korean comments (the source language).  For the
English edition the comments of each shown listing are looked up in a catalog of their
own (``snippets.po``, made by ``make gettext`` like the pages' catalogs) and replaced
at build time.  Code and printed output never change: only comment tokens do, found
with :mod:`tokenize`, so a ``#`` inside a string is never touched.

A run of full-line comments at the same indentation is one message (a sentence may
span lines); a comment after code is a message of its own.

Not every comment is prose for a translator.  These are never messages (and stay as
written in both editions):

- region markers, a shebang (``#!``), and an encoding declaration on line 1 or 2
  (``# -*- coding: utf-8 -*-``, ``# vim: set fileencoding=utf-8 :``, ``# encoding: utf-8``);
- a license header: the first comment block of the file, before any code, when it
  mentions a copyright, a license or an SPDX identifier;
- commented-out code: a comment whose text parses as Python *and* does something code
  does (a call, an assignment, an import, a def or class, return/await/raise/del, an
  operator, a subscript).  A bare name or ``word: word`` parses too (``# done``,
  ``# note: later``) but is prose; so is Korean, which never parses as more than a name;
- marker comments, the same in every listing and in every language: a tool's pragma
  (``# noqa: E402``, ``# type: ignore``, ``# pragma: no cover``, ``# fmt: off``,
  ``# pylint: disable=...``) and a rule of punctuation (``# ----``, ``# ====``);
- a comment already in the target language: one with no Hangul in it.  The source
  language is Korean, so such a comment (an English note in a listing brought from
  elsewhere) reads the same in the English edition; it is shown as written in both
  editions and never blocks the build as untranslated.
"""

from __future__ import annotations

import ast
import functools
import io
import re
import tokenize
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po

_MARKER = re.compile(
    r"^#\s*(?:region\b.*|endregion\b.*|!.*|-\*-.*-\*-"
    r"|(?:noqa|nosec|type|pragma|fmt|pylint|mypy|isort|ruff|pyright|flake8)\b\s*:?.*"
    r"|[-=#*~_+/\\.]{3,})\s*$"
)
#: The source language's script: a comment without it is already in the target language.
_SOURCE_SCRIPT = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]")
#: PEP 263: an encoding declaration, which Python only reads on line 1 or 2.
_ENCODING = re.compile(r"^[ \t\f]*#.*?coding[:=][ \t]*[-\w.]+")
_LICENSE = re.compile(r"copyright|licen[cs]e|spdx-license-identifier|\(c\)|©", re.IGNORECASE)
#: What code does that prose does not (see the module docstring).
_CODE_NODES = (
    ast.Call, ast.Assign, ast.AugAssign, ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef,
    ast.ClassDef, ast.Return, ast.Await, ast.Raise, ast.Delete, ast.BinOp, ast.Compare, ast.Subscript,
    ast.Lambda, ast.ListComp, ast.DictComp, ast.SetComp, ast.GeneratorExp,
)


@dataclass(frozen=True)
class Comment:
    """One message: a run of full-line comments, or one comment after code."""

    first: int  # 1-based line of the first comment line
    last: int
    column: int
    text: str  # without '#', lines joined with '\n'
    full_line: bool


def _comment_tokens(source: str) -> list[tokenize.TokenInfo]:
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        # An excerpt that is not a complete program: fall back to whole-line comments.
        return [
            tokenize.TokenInfo(tokenize.COMMENT, line.strip(), (i, len(line) - len(line.lstrip())), (i, len(line)), line)
            for i, line in enumerate(source.split("\n"), start=1)
            if line.lstrip().startswith("#")
        ]
    return [t for t in tokens if t.type == tokenize.COMMENT]


def is_code(text: str) -> bool:
    """Whether a comment's text is commented-out code rather than prose."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return False
    return any(
        isinstance(node, _CODE_NODES) or (isinstance(node, ast.AnnAssign) and node.value is not None)
        for node in ast.walk(tree)
    )


def comments(source: str) -> list[Comment]:
    """The translatable comments of ``source``, in order."""
    return list(_comments(source))


@functools.lru_cache(maxsize=256)
def _comments(source: str) -> tuple[Comment, ...]:
    """(A listing shown in several blocks, or read again by a rebuild, is tokenized once;
    one with no Hangul at all has no comment to translate and is not tokenized.)"""
    if not _SOURCE_SCRIPT.search(source):
        return ()
    found: list[Comment] = []
    for token in _comment_tokens(source):
        if _MARKER.match(token.string):
            continue
        row, col = token.start
        if row <= 2 and _ENCODING.match(token.string):
            continue
        text = token.string[1:].strip()
        full_line = not token.line[:col].strip()
        previous = found[-1] if found else None
        if (
            full_line
            and previous
            and previous.full_line
            and previous.last == row - 1
            and previous.column == col
            and not is_code(text)  # a line of code under prose is a comment of its own (and skipped)
            and not is_code(previous.text.rsplit("\n", 1)[-1])
        ):
            found[-1] = Comment(previous.first, row, col, previous.text + "\n" + text, True)
        else:
            found.append(Comment(row, row, col, text, full_line))
    if found and _license_header(source, found[0]):
        found = found[1:]
    return tuple(c for c in found if c.text and in_source_language(c.text) and not is_code(c.text))


def in_source_language(text: str) -> bool:
    """Whether a comment is written in the source language (Korean) and so needs a
    translation; one without Hangul already reads as the target language does."""
    return _SOURCE_SCRIPT.search(text) is not None


def _license_header(source: str, first: Comment) -> bool:
    """Whether ``first`` is a license header: the file's first comment block, with
    nothing but blank lines, a shebang or an encoding line before it."""
    if not (first.full_line and _LICENSE.search(first.text)):
        return False
    before = source.split("\n")[: first.first - 1]
    return all(not line.strip() or line.lstrip().startswith("#") for line in before)


def translate(
    source: str, lookup: Callable[[str], str | None], found: list[Comment] | None = None
) -> tuple[str, list[Comment]]:
    """Replace each comment of ``source`` by its translation; return the text and the
    comments that had none (they stay in the source language).  ``found``: the
    comments of ``source`` when the caller has them already (finding them tokenizes
    the listing and parses every comment as Python)."""
    lines = source.split("\n")
    missing: list[Comment] = []
    for comment in reversed(comments(source) if found is None else found):
        translated = lookup(comment.text)
        if translated is None:
            missing.append(comment)
            continue
        if comment.full_line:
            indent = lines[comment.first - 1][: comment.column]
            lines[comment.first - 1 : comment.last] = [
                f"{indent}# {part}".rstrip() for part in translated.split("\n")
            ]
        else:
            line = lines[comment.first - 1]
            lines[comment.first - 1] = line[: comment.column] + "# " + " ".join(translated.split("\n"))
    return "\n".join(lines), list(reversed(missing))


def catalog(files: Iterable[Path], root: Path) -> Catalog:
    """A message template (.pot) of every comment in ``files``."""
    template = Catalog(project="asyncio book: listing comments", charset="utf-8")
    for path in sorted(files):
        source = path.read_text(encoding="utf-8")
        for comment in comments(source):
            template.add(comment.text, locations=[(path.relative_to(root).as_posix(), comment.first)])
    return template


def write_template(snippets_dir: Path, root: Path, out: Path) -> int:
    """Write ``snippets.pot``; return how many messages it holds."""
    template = catalog(snippets_dir.glob("*.py"), root)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("wb") as handle:
        write_po(handle, template, width=0, omit_header=False)
    return len(template)


if __name__ == "__main__":
    import sys

    count = write_template(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]))
    print(f"{count} listing comments -> {sys.argv[3]}")
