"""What a ``:joined:`` pattern joins, and whether it can say so on every line.

A pattern with one group joins what that group captured on consecutive matching lines
(``received b'(.*)'``).  A pattern with named groups joins each group apart: lines of two
kinds that interleave however the data was split (``received b'...'`` and ``sent
b'...'``, in any mix) count as one, and what each named group captured, joined, must be
equal.  A single group that does not take part in every match (inside one branch of
``|``, or under ``?``) would leave a line with nothing to join: that is an author's
mistake, reported where the block is, never a crash at comparison time.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

try:  # the parser behind re; its tree says which groups take part in every match
    from re import _parser as _sre
except ImportError:  # pragma: no cover - Python before 3.11
    import sre_parse as _sre  # type: ignore[no-redef]

EXAMPLE = "write ':joined: /received b'(.*)'/' (the group is the part that is joined)"
INTERLEAVED = "/(?:received b'(?P<received>.*)'|sent b'(?P<sent>.*)')/"

_OPTIONAL_OPS = {"BRANCH", "GROUPREF_EXISTS", "ASSERT_NOT"}


def _sometimes(items: Iterable, optional: bool, found: set[int]) -> None:
    for op, av in items:
        name = str(op)
        if name == "SUBPATTERN":
            group, _, _, sub = av
            if optional and group:
                found.add(group)
            _sometimes(sub, optional, found)
        elif name == "BRANCH":
            for sub in av[1]:
                _sometimes(sub, True, found)
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            _sometimes(av[2], optional or av[0] == 0, found)
        elif name in ("ASSERT", "ASSERT_NOT"):
            _sometimes(av[1], optional or name in _OPTIONAL_OPS, found)
        elif name == "GROUPREF_EXISTS":
            for sub in av[1:]:
                if sub is not None:
                    _sometimes(sub, True, found)
        elif name == "ATOMIC_GROUP":
            _sometimes(av, optional, found)


def sometimes_groups(regex: str) -> set[int]:
    """Numbers of the groups of ``regex`` that some match may leave out."""
    found: set[int] = set()
    try:
        _sometimes(_sre.parse(regex), False, found)
    except Exception:  # noqa: BLE001 - an unreadable tree: judge by the matches instead
        return set()
    return found


def check_joined(regex: str, compiled: re.Pattern[str]) -> None:
    """A ValueError saying how to write it, if ``regex`` cannot name what it joins."""
    names = compiled.groupindex
    if compiled.groups > 1 and len(names) < compiled.groups:
        raise ValueError(
            f":joined: /{regex}/ has {compiled.groups} groups; give one group around the part that is "
            f"joined (use (?:...) for the others), or name every group to join lines of several kinds "
            f"apart: {INTERLEAVED}"
        )
    if compiled.groups == 1 and not names and 1 in sometimes_groups(regex):
        raise ValueError(
            f":joined: /{regex}/: its group does not take part in every line it matches (it lies inside "
            f"one branch of | or under ?), so such a line would add nothing to the join; put the group "
            f"where every line has it, or, to join lines of two kinds that interleave, name a group in "
            f"each branch: {INTERLEAVED}"
        )


def joined_content(pattern: re.Pattern[str], lines: Iterable[str]) -> str:
    """What consecutive lines of one joined group hold, joined: the single group's
    captures; with named groups, each group's captures joined apart, in the pattern's
    order (so interleaving does not count, only what each kind of line carried)."""
    found = [pattern.fullmatch(line) for line in lines]
    matched = [m for m in found if m is not None]
    if pattern.groups <= 1:
        return "".join((m.group(1) if pattern.groups else m.group(0)) or "" for m in matched)
    return "\x1f".join(
        f"{name}:" + "".join(m.group(name) or "" for m in matched)
        for name, _ in sorted(pattern.groupindex.items(), key=lambda item: item[1])
    )
