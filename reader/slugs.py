"""Heading anchors that are the same in both editions and plain ASCII.

MyST makes an anchor for every heading from its text.  The Korean edition's text would
give Korean anchors, and the English edition (translated after parsing) the very same
Korean ones.  Numbered sections get ``sec-10-5-4-1`` instead: readable, stable across
editions and across rewording, so a link to a section lands on it in either edition.
"""

from __future__ import annotations

import re


def section_slug(text: str) -> str:
    m = re.match(r"\s*(\d+(?:\.\d+)+)", text)
    if m:
        return "sec-" + m.group(1).replace(".", "-")
    ascii_words = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return ascii_words or "section"
