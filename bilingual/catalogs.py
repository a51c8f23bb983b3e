"""Read the translation catalogs and say what is missing.

The Korean pages are the source; the English edition lives in gettext catalogs
(``docs/locale/en/LC_MESSAGES/*.po``).  A message is *translated* when its catalog
holds a non-empty, non-fuzzy translation of exactly the current Korean text.  A Korean
paragraph that changed is either absent from the catalog (untranslated) or, after
``sphinx-intl update``, marked fuzzy; both must fail the English build.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from babel.messages.pofile import read_po


@dataclass(frozen=True)
class Message:
    """A catalog's answer for one source text."""

    translation: str
    fuzzy: bool


@dataclass(frozen=True)
class Problem:
    """A source text the English edition does not translate (yet)."""

    kind: str  # "untranslated" or "fuzzy"
    location: str  # where the Korean text is: page or snippet, and line
    msgid: str
    catalog: str

    def report(self) -> str:
        text = self.msgid.replace("\n", " ")
        short = text if len(text) <= 70 else text[:67] + "..."
        return f"{self.location}: {self.kind} in {self.catalog}: {short!r}"


@functools.lru_cache(maxsize=64)
def _load(path: str, mtime_ns: int) -> dict[str, Message]:
    with open(path, "rb") as handle:
        catalog = read_po(handle)
    messages: dict[str, Message] = {}
    for entry in catalog:
        if not entry.id or not isinstance(entry.id, str):
            continue
        string = entry.string if isinstance(entry.string, str) else ""
        messages[entry.id] = Message(string, entry.fuzzy)
    return messages


def load(path: Path) -> dict[str, Message]:
    """msgid -> Message of one .po file (empty if it does not exist); re-read when it changes."""
    try:
        mtime = path.stat().st_mtime_ns
    except FileNotFoundError:
        return {}
    return _load(str(path), mtime)


def judge(messages: dict[str, Message], msgid: str) -> str:
    """'' when translated, else 'untranslated' or 'fuzzy'."""
    message = messages.get(msgid)
    if message is None or not message.translation.strip():
        return "untranslated"
    if message.fuzzy:
        return "fuzzy"
    return ""


def translation(messages: dict[str, Message], msgid: str) -> str | None:
    """The usable translation of ``msgid``, or None."""
    return None if judge(messages, msgid) else messages[msgid].translation
