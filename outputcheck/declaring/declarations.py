"""Read what an output block declares may differ between runs.

An author states what varies in a few words on the block (``:vary:``, ``:any:``,
``:optional:``, ``:joined:``, ``:unordered:``) and which facts of this machine the block
shows on purpose (``:host:``).  Everything is read here, once, by
:func:`outputcheck.reading.blocks.make_block`, so the page scanner and the Sphinx directive
cannot disagree; every mistake is a ValueError whose message says how to write it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from .joins import EXAMPLE, check_joined
from .normalize import AT_END, ANYWHERE, OptionalLine, VarySpec, parse_unordered, parse_vary

#: Facts of the machine that runs a listing, which a page may only show when declared.
HOST_FACTS = ("host", "user", "mount", "ip", "device", "filesystem")

_PLACE = re.compile(r"(?:after\s+(?P<line>\d+)|(?P<end>at\s+end))\s+")
_SLASHED = re.compile(r"/(?P<regex>(?:\\.|[^/\\])+)/")
_SEPARATOR = re.compile(r"\s*(?:,\s*|$)")

OPTIONAL_EXAMPLE = (
    "write ':optional: /Executing <Task .*> took \\d+\\.\\d+ seconds/' (anywhere), "
    "':optional: after 4 /worker \\d+ idle/' (right after line 4 of the block) "
    "or ':optional: at end /Traceback.*/'"
)


def _regex(text: str, option: str) -> re.Pattern[str]:
    try:
        return re.compile(text)
    except re.error as exc:
        raise ValueError(
            f":{option}: /{text}/ is not a valid regular expression ({exc}); write a Python regular "
            f"expression between slashes, with a backslash before ( ) [ ] . * + ? to match them as they are"
        ) from None


def _items(value: str, option: str, example: str) -> list[tuple[re.Match[str] | None, str]]:
    """Comma-separated items, each an optional place then one /pattern/ (which may hold
    commas; a slash inside it is written ``\\/``)."""
    items: list[tuple[re.Match[str] | None, str]] = []
    value = value.strip()
    pos = 0
    while pos < len(value):
        place = _PLACE.match(value, pos)
        if place:
            pos = place.end()
        slashed = _SLASHED.match(value, pos)
        if not slashed:
            raise ValueError(f":{option}: cannot read {value[pos:]!r}; {example}")
        pos = slashed.end()
        separator = _SEPARATOR.match(value, pos)
        if not separator or (separator.end() == pos and pos < len(value)):
            raise ValueError(
                f":{option}: expected a comma after /{slashed.group('regex')}/, found {value[pos:]!r}; {example}"
            )
        pos = separator.end()
        items.append((place, slashed.group("regex")))
    return items


def parse_optional(value: str, nlines: int) -> tuple[OptionalLine, ...]:
    """``"/a.*/, after 3 /b/, at end /c/"`` -> OptionalLine items.

    ``nlines`` is the block's line count; a block with only its command line (waiting
    for ``make update-outputs``) is not checked against its line numbers yet."""
    found: list[OptionalLine] = []
    for place, regex in _items(value, "optional", OPTIONAL_EXAMPLE):
        _regex(regex, "optional")
        after = ANYWHERE
        if place and place.group("end"):
            after = AT_END
        elif place:
            after = int(place.group("line"))
            if after < 1 or (nlines > 1 and after > nlines):
                raise ValueError(
                    f":optional: 'after {after}' must name a line of the block, 1-{nlines} "
                    f"(line 1 is the command line; 'after 1' is before the first printed line)"
                )
        found.append(OptionalLine(regex, after))
    return tuple(found)


def parse_joined(value: str) -> tuple[str, ...]:
    """``"/received b'(.*)'/"`` -> the patterns.  Consecutive lines matching one pattern
    count as one: what its group captured, joined; one group that takes part in every
    line, or named groups joined apart (:mod:`.joins`)."""
    patterns: list[str] = []
    for place, regex in _items(value, "joined", EXAMPLE):
        if place:
            raise ValueError(f":joined: takes patterns only, not {place.group(0).strip()!r}; {EXAMPLE}")
        check_joined(regex, _regex(regex, "joined"))
        patterns.append(regex)
    return tuple(patterns)


_RANGE_OR_PATTERN = re.compile(r"\s*(?:(?P<range>\d+\s*-\s*\d+)|/(?P<regex>(?:\\.|[^/\\])+)/)\s*(?:,|$)")


def parse_unordered_items(value: str, nlines: int) -> tuple[tuple[tuple[int, int], ...], tuple[str, ...]]:
    """``"4-6, /task \\w+ done/"`` -> (line ranges, patterns).  A range names lines of the
    block; a pattern names every run of consecutive lines that match it, wherever it is,
    so it still holds when the page's text is rewritten with another run."""
    ranges: list[str] = []
    patterns: list[str] = []
    value = value.strip()
    pos = 0
    while pos < len(value):
        m = _RANGE_OR_PATTERN.match(value, pos)
        if not m or m.end() == pos:
            raise ValueError(
                f":unordered: takes line ranges like '4-6' or patterns like /task \\w+ done/, "
                f"separated by commas; cannot read {value[pos:]!r}"
            )
        if m.group("range"):
            ranges.append(m.group("range"))
        else:
            _regex(m.group("regex"), "unordered")
            patterns.append(m.group("regex"))
        pos = m.end()
    return parse_unordered(", ".join(ranges), nlines), tuple(patterns)


def parse_host(value: str) -> tuple[str, ...]:
    """``"mount, ip"`` -> the host facts a block shows on purpose."""
    facts: list[str] = []
    for item in filter(None, (v.strip() for v in value.split(","))):
        if item not in HOST_FACTS:
            raise ValueError(
                f":host: names what this machine shows on the page: {', '.join(HOST_FACTS)}; not {item!r}"
            )
        facts.append(item)
    return tuple(facts)


def _combinable(kinds: tuple[str, ...], option: str) -> None:
    """Declared kinds are matched as one pattern (each value of a line is one kind's);
    a pattern that only works alone (a global flag, a group name used twice) is refused."""
    own = [k for k in kinds if k.startswith("/")]
    try:
        re.compile("|".join(f"(?P<_kind{i}>{k[1:-1]})" for i, k in enumerate(own)))
    except re.error as exc:
        raise ValueError(
            f":{option}: the patterns {', '.join(own)} cannot be matched together with the other kinds ({exc}); "
            f"write flags inside the pattern as (?i:...), not (?i) at its start, and give no two groups one name"
        ) from None


def declarations(options: Mapping[str, str], nlines: int) -> VarySpec:
    """Everything a block declares about its runs, checked against each other."""
    kinds = parse_vary(options.get("vary", ""), "vary")
    any_kinds = parse_vary(options.get("any", ""), "any")
    both = sorted(set(kinds) & set(any_kinds))
    if both:
        raise ValueError(
            f"{', '.join(both)} is declared in both :vary: (keeps identity) and :any: (any value each "
            f"time); keep it in one of them"
        )
    _combinable(kinds, "vary")
    _combinable(any_kinds, "any")
    _combinable(kinds + any_kinds, "vary: and :any")
    unordered, shuffled = parse_unordered_items(options.get("unordered", ""), nlines)
    optional = parse_optional(options.get("optional", ""), nlines)
    for item in optional:
        for a, b in unordered:
            if a <= item.after < b:
                raise ValueError(
                    f":optional: 'after {item.after}' lies inside the unordered lines {a}-{b}; "
                    f"use 'after {b}' or 'after {a - 1}', or an optional line without a place"
                )
    return VarySpec(
        kinds=kinds,
        unordered=unordered,
        any=any_kinds,
        optional=optional,
        joined=parse_joined(options.get("joined", "")),
        shuffled=shuffled,
        host=parse_host(options.get("host", "")),
    )
