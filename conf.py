"""Sphinx configuration of the book, shared by both editions.

The sources are in docs/ (Korean, the source language), the snippets in snippets/, the
English edition in gettext catalogs under docs/locale/en/.  ``make html`` builds both;
one edition alone: ``BOOK_LANGUAGE=en sphinx-build -c . docs _build/html/en``.
"""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

# The edition is chosen before Sphinx reads this file, so titles can follow it.
language = os.environ.get("BOOK_LANGUAGE", "ko")
TITLES = {
    "ko": "asyncio: 비동기적 I/O, 이벤트 루프, 동시 작업 도구",
    "en": "asyncio: Asynchronous I/O, Event Loops, and Tools for Concurrent Operations",
}
if language not in TITLES:
    raise ValueError(f"BOOK_LANGUAGE must be one of {', '.join(TITLES)}, not {language!r}")

project = TITLES[language]
version = release = "2026.11"
epub_basename = f"asyncio-{language}"
epub_title = project
epub_language = language
epub_show_urls = "no"
author = "asyncio book contributors"
# Reproducible builds: the year comes from SOURCE_DATE_EPOCH when it is set.
copyright = f"{time.gmtime(int(os.environ.get('SOURCE_DATE_EPOCH', time.time()))).tm_year}, {author}"

extensions = [
    "myst_parser",
    "outputcheck.sphinx_ext",
    "bilingual.sphinx_ext",
    "reader",
    "sphinx_copybutton",
]

# The copy button copies a listing's code, exactly as shown; output blocks have none.
copybutton_selector = "div.listing div.highlight pre"
copybutton_exclude = ".linenos, .gp, .go"

source_suffix = {".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "locale", "**/.*"]

myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 4
myst_heading_slug_func = "reader.slugs.section_slug"

# Translations: docs/locale/<lang>/LC_MESSAGES/<page>.po (sphinx-intl workflow).
locale_dirs = ["locale/"]
gettext_compact = False
gettext_uuid = False
gettext_location = True
gettext_last_translator = "asyncio book contributors"
bilingual_source_language = "ko"
bilingual_editions = {"ko": "한국어", "en": "English"}

# Nothing is fetched at build time.
intersphinx_mapping: dict = {}

html_theme = "furo"
html_title = {"ko": "10.5 asyncio", "en": "10.5 asyncio"}[language]
html_static_path: list[str] = []
html_last_updated_fmt = None
html_copy_source = False
html_show_sourcelink = False
