"""Search for the English edition: Sphinx's own, with each word stemmed once per build.

Sphinx remembers stems only within one page (``IndexBuilder.feed`` memoises per call),
so the pure-Python Snowball stemmer ran ~4,800 times for this chapter's eleven pages,
~0.1 CPU-s of writing the English edition, for far fewer distinct words.  A stem
depends on the word alone, so the index (``searchindex.js``) is byte-identical.
"""

from __future__ import annotations

from sphinx.search.en import SearchEnglish


class SearchEnglishOnce(SearchEnglish):
    def __init__(self, options: dict[str, str]) -> None:
        super().__init__(options)
        self._stems: dict[str, str] = {}

    def stem(self, word: str) -> str:
        try:
            return self._stems[word]
        except KeyError:
            stem = self._stems[word] = super().stem(word)
            return stem
