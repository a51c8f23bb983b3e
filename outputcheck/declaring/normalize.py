"""Make two transcripts comparable: declared volatility and host paths.

A page shows one real run.  Another run may print a different loop time, memory
address or port, or print a group of lines in another order.  A block declares
exactly which of these may vary; both sides are then rewritten to a canonical form
before they are compared, and nothing else is relaxed.

Placeholders keep identity: within one transcript the first address seen becomes
``<address-1>``, every later occurrence of the *same* address becomes ``<address-1>``
too, and a different one ``<address-2>``.  So "the same object printed twice" is still
checked.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .hostfacts import MARKERS, Machine

#: What may vary, by name.  Patterns are deliberately narrow; a block that needs
#: something else can give its own pattern between slashes: ``:vary: /Task-\d+/``.
KINDS: dict[str, str] = {
    "address": r"\b0x[0-9a-fA-F]+\b",
    "path": r"(?<![\w.])/(?:[\w.@+-]+/)*[\w.@+-]+",
    "port": r"(?<=[:_ ])\d{4,5}(?![\d.])",
    "float": r"(?<![\w.])-?\d+\.\d+(?:[eE][-+]?\d+)?(?![\w.])",
    "number": r"(?<![\w.])-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?(?![\w.])",
    # a size as df -h and ls -h print it: 0, 512, 20K, 1.5G, 3.2MiB, 4kB
    "size": r"(?<![\w.])\d+(?:\.\d+)?(?:[KMGTPEZY](?:i?B)?|kB|B)?(?![\w.])",
    "item-order": r"",  # not a token: items of a [..] or {..} literal may come in any order
}


#: Where an optional line may appear: anywhere, or after a given line of the block.
ANYWHERE = 0
AT_END = -1


@dataclass(frozen=True)
class OptionalLine:
    """Lines matching ``pattern`` (the whole line) may appear 0..n times at ``after``:
    ANYWHERE, AT_END, or right after line N of the block (line 1 is the command line)."""

    pattern: str
    after: int = ANYWHERE

    @property
    def label(self) -> str:
        where = {ANYWHERE: "", AT_END: "at end "}.get(self.after, f"after {self.after} ")
        return f"{where}/{self.pattern}/"


@dataclass(frozen=True)
class VarySpec:
    """What a block allows to vary (and, in ``host``, which host facts it shows)."""

    kinds: tuple[str, ...] = ()  # :vary: values keep identity (same value twice stays the same)
    unordered: tuple[tuple[int, int], ...] = ()  # 1-based inclusive line ranges
    any: tuple[str, ...] = ()  # :any: each occurrence matches any value of its kind
    optional: tuple[OptionalLine, ...] = ()  # :optional: lines that may appear or not
    joined: tuple[str, ...] = ()  # :joined: patterns; consecutive matching lines count as one
    host: tuple[str, ...] = ()  # :host: host facts the block shows on purpose
    shuffled: tuple[str, ...] = ()  # :unordered: /patterns/: consecutive matching lines in any order

    @property
    def declared(self) -> bool:
        """Whether anything at all may differ from the page's text."""
        return bool(self.kinds or self.unordered or self.any or self.optional or self.joined or self.shuffled)

    @property
    def label(self) -> str:
        parts = list(self.kinds)
        parts += [f"any {kind}" for kind in self.any]
        parts += [f"optional {o.label}" for o in self.optional]
        parts += [f"joined /{p}/" for p in self.joined]
        parts += [f"lines {a}-{b} in any order" for a, b in self.unordered]
        parts += [f"lines /{p}/ in any order" for p in self.shuffled]
        parts += [f"host {fact}" for fact in self.host]
        return ", ".join(parts)


def parse_vary(value: str, option: str = "vary") -> tuple[str, ...]:
    """``"float, address"`` -> ``("float", "address")``; unknown kinds are a ValueError.

    ``option`` is the option being read (``vary`` or ``any``), named in the message."""
    kinds: list[str] = []
    try:
        items = _split_items(value)
    except ValueError as exc:
        raise ValueError(f":{option}: {exc}; write kinds and /patterns/ separated by commas, e.g. ':{option}: float, /Task-\\d+/'") from None
    for raw in items:
        if raw.startswith("/") and raw.endswith("/") and len(raw) > 2:
            try:
                re.compile(raw[1:-1])
            except re.error as exc:
                raise ValueError(f":{option}: pattern {raw} is not a valid regular expression: {exc}") from None
        elif raw not in KINDS:
            raise ValueError(
                f":{option}: does not know {raw!r}; use one of {', '.join(KINDS)} "
                f"or a pattern between slashes such as /Task-\\d+/"
            )
        if raw in kinds:
            raise ValueError(f":{option}: names {raw} twice")
        kinds.append(raw)
    return tuple(kinds)


_ITEM = re.compile(r"\s*(/(?:\\.|[^/\\])+/|[^,/]+?)\s*(?:,|$)")


def _split_items(value: str) -> list[str]:
    """Split a comma-separated option; a /pattern/ may itself hold commas."""
    items: list[str] = []
    value = value.strip()
    pos = 0
    while pos < len(value):
        m = _ITEM.match(value, pos)
        if not m:
            raise ValueError(f"cannot read {value[pos:]!r} (items are separated by commas)")
        items.append(m.group(1))
        pos = m.end()
    return items


def parse_unordered(value: str, nlines: int) -> tuple[tuple[int, int], ...]:
    """``"4-6, 9-10"`` -> ((4, 6), (9, 10)); line 1 is the command line.

    A block that holds only its command line (waiting for ``make update-outputs``) has
    no lines to check the ranges against yet; they are checked once it is filled.
    """
    ranges = []
    for item in _split_items(value):
        m = re.fullmatch(r"(\d+)\s*-\s*(\d+)", item)
        if not m:
            raise ValueError(f":unordered: takes line ranges like '4-6', not {item!r}")
        a, b = int(m.group(1)), int(m.group(2))
        if not 2 <= a < b or (nlines > 1 and b > nlines):
            raise ValueError(
                f":unordered: range {a}-{b} must lie within lines 2-{nlines} of the block "
                f"(line 1 is the command line)"
            )
        ranges.append((a, b))
    return tuple(ranges)


def _pattern(kinds: tuple[str, ...]) -> re.Pattern[str] | None:
    parts = []
    for i, kind in enumerate(kinds):
        regex = kind[1:-1] if kind.startswith("/") else KINDS[kind]
        if regex:
            parts.append(f"(?P<k{i}>{regex})")
    return re.compile("|".join(parts)) if parts else None


def _kind_name(kind: str) -> str:
    return "match" if kind.startswith("/") else kind


def canonical_lines(text: str) -> list[str]:
    """Line endings and invisible trailing whitespace do not count; nothing else."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def _sort_items(line: str) -> str:
    def sort_literal(m: re.Match[str]) -> str:
        items = m.group(2).split(", ")
        return m.group(1) + ", ".join(sorted(items)) + m.group(3)

    return re.sub(r"([\[{])([^\[\]{}]*)([\]}])", sort_literal, line)


def normalize(text: str, vary: VarySpec) -> str:
    """The canonical form of a transcript under ``vary``; equal forms mean a match."""
    lines = canonical_lines(text)
    pattern = _pattern(vary.kinds)

    def blank(line: str) -> str:
        return pattern.sub("\0", line) if pattern else line

    for a, b in vary.unordered:
        if b <= len(lines):
            lines[a - 1 : b] = sorted(lines[a - 1 : b], key=blank)
    if "item-order" in vary.kinds:
        lines = [_sort_items(line) for line in lines]
    if pattern is None:
        return "\n".join(lines)
    seen: dict[str, dict[str, int]] = {}

    def placeholder(m: re.Match[str]) -> str:
        group = m.lastgroup or "k0"
        kind = _kind_name(vary.kinds[int(group[1:])])
        table = seen.setdefault(kind, {})
        number = table.setdefault(m.group(0), len(table) + 1)
        return f"<{kind}-{number}>"

    return "\n".join(pattern.sub(placeholder, line) for line in lines)


@dataclass(frozen=True)
class HostPaths:
    """Paths and facts of this machine that must never reach a page.

    A snippet run in ``snippets/`` prints its own absolute path in tracebacks and task
    reprs; a reader in that folder would see the bare file name, so the snippet folder
    becomes nothing.  Other machine paths become a neutral marker, and so do the
    machine's host name, user name, mount points and addresses
    (:mod:`outputcheck.declaring.hostfacts`).
    """

    replacements: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    machine: Machine | None = None

    @classmethod
    def for_run(cls, snippets_dir: Path, python: str = sys.executable, machine: Machine | None = None) -> HostPaths:
        candidates: list[tuple[str, str]] = [(str(snippets_dir.resolve()) + os.sep, "")]
        candidates.append((str(snippets_dir.resolve().parent) + os.sep, "<project>/"))
        prefix = Path(python).resolve().parent.parent
        candidates.append((str(prefix) + os.sep, "<python>/"))
        for p in {sys.prefix, sys.base_prefix, sys.exec_prefix}:
            candidates.append((str(Path(p).resolve()) + os.sep, "<python>/"))
            candidates.append((p.rstrip(os.sep) + os.sep, "<python>/"))
        candidates.append((tempfile.gettempdir().rstrip(os.sep) + os.sep, "<tmp>/"))
        home = os.path.expanduser("~")
        if home not in ("", "/"):
            candidates.append((home.rstrip(os.sep) + os.sep, "~/"))
        unique = {src: dst for src, dst in candidates if len(src) > 1}
        ordered = sorted(unique.items(), key=lambda item: -len(item[0]))
        return cls(tuple(ordered), machine or Machine.here())

    def sanitize(self, text: str) -> str:
        for src, dst in self.replacements:
            text = text.replace(src, dst)
        return self.machine.sanitize(text) if self.machine else text

    def leaks(self, text: str) -> list[str]:
        """Host paths and facts found in ``text`` (a page must contain none)."""
        found = [src for src, _ in self.replacements if src in text]
        if self.machine:
            found += [value for _, kind, value in self.machine.find(text) if value != MARKERS[kind]]
        return found
