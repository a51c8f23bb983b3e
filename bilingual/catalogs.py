"""Read the translation catalogs and say what is missing.

The Korean pages are the source; the English edition lives in gettext catalogs
(``docs/locale/en/LC_MESSAGES/*.po``).  A message is *translated* when its catalog
holds a non-empty, non-fuzzy translation of exactly the current Korean text.  A Korean
paragraph that changed is either absent from the catalog (untranslated) or, after
``sphinx-intl update``, marked fuzzy; both must fail the English build.
"""

from __future__ import annotations

import functools
import gettext
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


class Catalog:
    """One catalog's answers: from its compiled ``.mo`` when that is current (Sphinx
    compiles it before reading, and it is what Sphinx translates with), and from the
    ``.po`` only for a text the ``.mo`` lacks, to tell untranslated from fuzzy.

    Why: nearly every text is translated, and parsing each ``.po`` (babel) cost the
    English edition more than all of its lookups; a ``.mo`` is read in one step.
    """

    def __init__(self, path: Path, compiled: dict[str, str]) -> None:
        self.path = path
        self.compiled = compiled

    def get(self, msgid: str) -> Message | None:
        translation = self.compiled.get(msgid)
        if translation:
            return Message(translation, False)
        return _po(self.path).get(msgid)

    def __getitem__(self, msgid: str) -> Message:
        message = self.get(msgid)
        if message is None:
            raise KeyError(msgid)
        return message


def _po(path: Path) -> dict[str, Message]:
    try:
        mtime = path.stat().st_mtime_ns
    except FileNotFoundError:
        return {}
    return _load(str(path), mtime)


@functools.lru_cache(maxsize=64)
def _mo(path: str, mtime_ns: int) -> dict[str, str]:
    with open(path, "rb") as handle:
        catalog = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
    return {k: v for k, v in catalog.items() if isinstance(k, str) and k}


def load(path: Path) -> Catalog:
    """The answers of one .po file (none if it does not exist); re-read when it changes."""
    compiled: dict[str, str] = {}
    mo = path.with_suffix(".mo")
    try:
        po_mtime, mo_mtime = path.stat().st_mtime_ns, mo.stat().st_mtime_ns
        if mo_mtime >= po_mtime:  # as current as Sphinx takes it to be
            compiled = _mo(str(mo), mo_mtime)
    except OSError:
        pass
    return Catalog(path, compiled)


def judge(messages: Catalog | dict[str, Message], msgid: str) -> str:
    """'' when translated, else 'untranslated' or 'fuzzy'."""
    message = messages.get(msgid)
    if message is None or not message.translation.strip():
        return "untranslated"
    if message.fuzzy:
        return "fuzzy"
    return ""


def translation(messages: Catalog | dict[str, Message], msgid: str) -> str | None:
    """The usable translation of ``msgid``, or None."""
    return None if judge(messages, msgid) else messages[msgid].translation
