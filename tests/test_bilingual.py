"""Two editions of one book: real Sphinx builds of a throwaway bilingual project."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from booktools import build_edition, write_catalog

from bilingual.search_ko import JS_STEMMER, strip_particle

CONF = """
extensions = ["myst_parser", "outputcheck.sphinx_ext", "bilingual.sphinx_ext"]
exclude_patterns = ["_build", "_cache", "snippets", "locale"]
outputcheck_snippets = "snippets"
outputcheck_cache = "_cache"
locale_dirs = ["locale/"]
gettext_compact = False
html_theme = "furo"
"""

PAGE = """\
# 코루틴 소개

코루틴은 함수와 비슷하다.

```{listing} hello
```

```{output}
$ python3 hello.py
hello
```
"""

SNIPPET = """\
# 인사를 출력한다.
print("hello")  # 끝
"""

TRANSLATIONS = {
    "코루틴 소개": "Introducing coroutines",
    "코루틴은 함수와 비슷하다.": "A coroutine is like a function.",
}
COMMENTS = {"인사를 출력한다.": "Print a greeting.", "끝": "done"}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "book"
    (root / "snippets").mkdir(parents=True)
    (root / "conf.py").write_text(CONF)
    (root / "index.md").write_text(PAGE)
    (root / "snippets" / "hello.py").write_text(SNIPPET)
    messages = root / "locale" / "en" / "LC_MESSAGES"
    write_catalog(messages / "index.po", TRANSLATIONS)
    write_catalog(messages / "snippets.po", COMMENTS)
    return root


def build(root: Path, language: str) -> tuple[int, str, str]:
    return build_edition(root, language, root / "_build" / language)


def html(root: Path, language: str) -> str:
    return (root / "_build" / language / "html" / "index.html").read_text(encoding="utf-8")


def body_text(page: str) -> str:
    """Visible text of the page body, without the edition switcher."""
    body = page.split("<body", 1)[1]
    body = re.sub(r"<script.*?</script>|<style.*?</style>", "", body, flags=re.S)
    body = re.sub(r'<nav class="edition-switcher".*?</nav>', "", body, flags=re.S)
    return re.sub(r"<[^>]+>", " ", body)


HANGUL = re.compile(r"[\uac00-\ud7a3\u3131-\u318e]")


def test_english_edition_is_translated_with_listing_comments(project: Path) -> None:
    status, out, warnings = build(project, "en")
    assert status == 0, warnings
    page = html(project, "en")
    assert "Introducing coroutines" in page and "A coroutine is like a function." in page
    assert "# Print a greeting." in page and "# done" in page
    assert not HANGUL.search(body_text(page)), HANGUL.findall(body_text(page))[:10]
    assert re.search(r'<html[^>]*\blang="en"', page)
    assert "translation (en): 4 messages (2 in pages, 2 listing comments): 100.0% translated, 0 fuzzy, 0 untranslated" in out


def test_korean_edition_keeps_the_source_and_links_to_the_twin(project: Path) -> None:
    status, _, warnings = build(project, "ko")
    assert status == 0, warnings
    page = html(project, "ko")
    assert re.search(r'<html[^>]*\blang="ko"', page) and "# 인사를 출력한다." in page
    assert '<a class="edition" lang="en" hreflang="en" href="../en/index.html">English</a>' in page
    assert '<link rel="alternate" hreflang="en" href="../en/index.html" />' in page
    english = (build(project, "en"), html(project, "en"))[1]
    assert '<a class="edition" lang="ko" hreflang="ko" href="../ko/index.html">한국어</a>' in english


def test_changed_korean_sentence_fails_the_english_build(project: Path) -> None:
    assert build(project, "en")[0] == 0
    (project / "index.md").write_text(PAGE.replace("비슷하다.", "매우 비슷하다."))
    status, _, warnings = build(project, "en")
    assert status == 1
    assert "index.md:3: untranslated in index.po: '코루틴은 함수와 매우 비슷하다.'" in warnings
    # sphinx-intl update would keep the old translation, marked fuzzy: still a failure
    entries = dict(TRANSLATIONS)
    entries["코루틴은 함수와 매우 비슷하다."] = "A coroutine is like a function."
    write_catalog(project / "locale" / "en" / "LC_MESSAGES" / "index.po", entries, fuzzy={"코루틴은 함수와 매우 비슷하다."})
    status, out, warnings = build(project, "en")
    assert status == 1 and "fuzzy in index.po" in warnings and "1 fuzzy, 0 untranslated" in out
    # translating it (no longer fuzzy) makes the build pass again
    write_catalog(project / "locale" / "en" / "LC_MESSAGES" / "index.po", entries)
    assert build(project, "en")[0] == 0


def test_untranslated_listing_comment_names_the_snippet_line(project: Path) -> None:
    (project / "snippets" / "hello.py").write_text(SNIPPET.replace("# 끝", "# 마지막 줄"))
    status, _, warnings = build(project, "en")
    assert status == 1
    assert "snippets/hello.py:2: untranslated in snippets.po: '마지막 줄'" in warnings


def test_korean_search_finds_a_word_whatever_particle_follows(project: Path) -> None:
    assert build(project, "ko")[0] == 0
    index = (project / "_build" / "ko" / "html" / "searchindex.js").read_text(encoding="utf-8")
    data = json.loads(index[index.index("(") + 1 : index.rindex(")")])
    terms, titles = data["terms"], data["titleterms"]
    assert "인사" in terms and "인사를" not in terms  # 인사를 출력한다 (a listing comment)
    assert "코루틴" in titles and "코루틴은" not in terms | titles  # 코루틴은 함수와 ... (the body)
    language_data = (project / "_build" / "ko" / "html" / "_static" / "language_data.js").read_text(encoding="utf-8")
    assert "Korean: strip one trailing particle" in language_data


@pytest.mark.parametrize(
    "word, stem",
    [("코루틴은", "코루틴"), ("코루틴을", "코루틴"), ("이벤트에서는", "이벤트"), ("asyncio는", "asyncio"),
     ("하나", "하나"), ("정도", "정도"), ("Coroutine", "coroutine"), ("코루틴", "코루틴")],
)
def test_particles_are_stripped_only_when_a_word_remains(word: str, stem: str) -> None:
    assert strip_particle(word) == stem


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_the_browser_stems_queries_like_the_index() -> None:
    words = ["코루틴은", "코루틴을", "이벤트에서는", "asyncio는", "하나", "정도", "Coroutine", "태스크가", "루프의"]
    script = JS_STEMMER + f"\nconst s = new Stemmer();\nconsole.log(JSON.stringify({json.dumps(words, ensure_ascii=False)}.map(w => s.stemWord(w))));\n"
    done = subprocess.run(["node", "-e", script], capture_output=True, text=True, timeout=30, check=True)
    assert json.loads(done.stdout) == [strip_particle(w) for w in words]
