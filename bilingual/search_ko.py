"""Search for the Korean edition: a word is found whatever particle follows it.

Korean attaches particles to nouns (코루틴은, 코루틴을, 코루틴의), so a plain word
index knows three different words where a reader means one.  This search language
strips a trailing particle before a word enters the index, and the same rule (in
JavaScript) strips it from the reader's query.  It is deliberately a short list of
common particles, stripped only when at least two characters remain, so it never
reduces a noun to a fragment.
"""

from __future__ import annotations

import json
import re

from sphinx.search import SearchLanguage

#: Longest first, so 에서는 is stripped whole rather than as 는.
PARTICLES = sorted(
    """
    에서부터 으로부터 에게서 이라는 이라고 에서는 에서도 으로는 으로도 까지는 부터는 와는 과는 에는 에도
    로는 로도 에서 에게 으로 부터 까지 처럼 보다 마다 이나 이며 이고 이다 라는 라고 와 과 은 는 이 가 을 를
    의 에 로 도 만
    """.split(),
    key=len,
    reverse=True,
)
MIN_STEM = 2
_HANGUL = re.compile(r"[\uac00-\ud7a3]")


def strip_particle(word: str) -> str:
    """``코루틴은`` -> ``코루틴``; words without a Korean particle are unchanged."""
    word = word.lower()
    if not _HANGUL.search(word[-1:]):
        return word
    for particle in PARTICLES:
        if word.endswith(particle) and len(word) - len(particle) >= MIN_STEM:
            return word[: -len(particle)]
    return word


JS_STEMMER = """
/**
 * Korean: strip one trailing particle (the same rule as bilingual/search_ko.py).
 */
var Stemmer = function () {
  const particles = %s;
  const hangul = /[\\uac00-\\ud7a3]$/;
  this.stemWord = function (w) {
    w = w.toLowerCase();
    if (!hangul.test(w)) return w;
    for (const p of particles) {
      if (w.endsWith(p) && w.length - p.length >= %d) return w.slice(0, w.length - p.length);
    }
    return w;
  };
};
""" % (json.dumps(PARTICLES, ensure_ascii=False), MIN_STEM)


class SearchKorean(SearchLanguage):
    lang = "ko"
    language_name = "Korean"
    js_stemmer_code = JS_STEMMER

    def stem(self, word: str) -> str:
        return strip_particle(word)
