"""Sphinx configuration of the book (the sources are in docs/, snippets in snippets/).

Build with ``make html``; this file is shared by both editions.
"""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

project = "asyncio: 비동기적 I/O, 이벤트 루프, 병렬 작업 도구"
author = "asyncio book contributors"
copyright_year = time.gmtime(int(os.environ.get("SOURCE_DATE_EPOCH", time.time()))).tm_year
copyright = f"{copyright_year}, {author}"
language = "ko"

extensions = [
    "myst_parser",
    "outputcheck.sphinx_ext",
]

source_suffix = {".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "locale", "**/.*"]

myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 4

# Nothing is fetched at build time.
intersphinx_mapping: dict = {}

html_theme = "alabaster"
html_title = "10.5 asyncio"
html_static_path: list[str] = []
pygments_style = "friendly"
