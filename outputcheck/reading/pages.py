"""Find output blocks in MyST pages without running Sphinx.

pytest and the update command need the blocks of a page quickly and with exact source
positions (to rewrite a block in place).  This scanner reads the same fenced
``{output}`` directives the Sphinx build does; a test checks that both read every page
of the book identically.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .blocks import BlockError, OutputBlock, make_block, parse_variant_version

DIRECTIVE = "output"
VARIANT = "output-variant"
_OPEN = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,}|:{3,})\{(?P<name>[\w-]+)\}(?P<arg>.*)$")
_OPTION = re.compile(r"^:(?P<key>[\w-]+):\s*(?P<value>.*?)\s*$")


@dataclass(frozen=True)
class Found:
    """An output directive in a page, with where its content lies (0-based line slice)."""

    page: Path
    line: int  # 1-based line of the opening fence
    name: str  # "output" or "output-variant"
    argument: str
    indent: str
    fence: str
    options: dict[str, str]
    content_start: int
    content_end: int
    content: str

    def block(self) -> OutputBlock:
        """The checked block, or BlockError naming what is wrong."""
        return make_block(self.page, self.line, self.content, self.options)

    def add_to(self, block: OutputBlock | None) -> OutputBlock:
        """This variant attached to the block before it, or BlockError."""
        if block is None:
            raise BlockError("an output-variant follows the output block it is a variant of")
        unknown = set(self.options) - {"reason"}
        if unknown:
            raise BlockError(f"unknown option(s) {', '.join(sorted(unknown))}; an output-variant takes :reason:")
        return block.with_variant(parse_variant_version(self.argument), self.content, self.options.get("reason", ""), self.line)


def scan_text(page: Path, text: str) -> Iterator[Found]:
    """Every ``{output}`` directive of a MyST page, in order."""
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        m = _OPEN.match(lines[i])
        if not m:
            i += 1
            continue
        indent, fence, name = m.group("indent"), m.group("fence"), m.group("name")
        close = re.compile(rf"^[ \t]*{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
        end = i + 1
        while end < len(lines) and not close.match(lines[end]):
            end += 1
        if name not in (DIRECTIVE, VARIANT):
            # Another directive: its body may nest ours (a longer fence), so look inside.
            i += 1
            continue
        body = [line[len(indent):] if line.startswith(indent) else line.lstrip() for line in lines[i + 1 : end]]
        options: dict[str, str] = {}
        start = 0
        if body and body[0].strip() == "---":
            stop = next((k for k in range(1, len(body)) if body[k].strip() == "---"), None)
            if stop is not None:
                for raw in body[1:stop]:
                    key, _, value = raw.partition(":")
                    if key.strip():
                        options[key.strip()] = value.strip().strip("'\"")
                start = stop + 1
        else:
            while start < len(body) and (opt := _OPTION.match(body[start])):
                options[opt.group("key")] = opt.group("value")
                start += 1
        if start < len(body) and options and not body[start].strip():
            start += 1  # MyST drops one blank line after the options
        content = "\n".join(body[start:])
        yield Found(page, i + 1, name, m.group("arg").strip(), indent, fence, options, i + 1 + start, end, content)
        i = end + 1


def scan_page(page: Path, display: Path | None = None) -> list[Found]:
    """The output directives of one page file; ``display`` is the path shown in messages."""
    return list(scan_text(display or page, page.read_text(encoding="utf-8")))


def page_files(pages_dir: Path) -> list[Path]:
    """Markdown pages of the book, excluding build output and hidden folders."""
    return sorted(
        p for p in pages_dir.rglob("*.md")
        if not any(part.startswith((".", "_")) for part in p.relative_to(pages_dir).parts)
    )


@dataclass(frozen=True)
class BrokenBlock:
    """A block that cannot be checked as written."""

    page: Path
    line: int
    message: str

    @property
    def location(self) -> str:
        return f"{self.page}:{self.line}"


def collect(pages_dir: Path, root: Path) -> tuple[list[OutputBlock], list[BrokenBlock]]:
    """All blocks under ``pages_dir``, paths shown relative to ``root``."""
    blocks: list[OutputBlock] = []
    broken: list[BrokenBlock] = []
    for page in page_files(pages_dir):
        shown = page.relative_to(root) if page.is_relative_to(root) else page
        last: OutputBlock | None = None
        for found in scan_page(page, shown):
            try:
                if found.name == VARIANT:
                    if last is None or last.page != shown:
                        last = None
                    updated = found.add_to(last)
                    index = -2 if last is not None and last.timeline else -1
                    blocks[index] = last = updated
                    if updated.timeline:
                        blocks[-1] = updated.instrumented()
                else:
                    last = found.block()
                    blocks.append(last)
                    if last.timeline:
                        blocks.append(last.instrumented())
            except (BlockError, ValueError) as exc:
                broken.append(BrokenBlock(shown, found.line, str(exc)))
    return blocks, broken
