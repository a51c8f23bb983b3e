"""The EPUB marks varying values as the web edition does, and stays a valid EPUB.

The real book is built as ``make epub`` builds it (both editions, ``bilingual.build
--builder epub``); one page is read from inside each ``.epub`` (a zip, as a reading
system opens it): its client ports and the selector's name are marked with the words of
its edition, the port 10000 the book shows for the server is not, and the stylesheet
that gives the words to a screen reader is in the book.  Then epubcheck, as ``make
epub`` runs it, must find nothing.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LABEL = {"ko": "실행할 때마다 달라짐", "en": "differs on every run"}
EPUBCHECK_JAR = Path("/usr/share/java/epubcheck.jar")


def epubcheck() -> list[str]:
    """The command ``make epub`` uses (the Makefile's EPUBCHECK), or fail in CI / skip."""
    if EPUBCHECK_JAR.is_file() and shutil.which("java"):
        return ["java", "-jar", str(EPUBCHECK_JAR)]
    if shutil.which("epubcheck"):
        return ["epubcheck"]
    if os.environ.get("CI"):
        pytest.fail("CI needs epubcheck (apt-get install epubcheck)")
    pytest.skip("epubcheck is not installed (apt-get install epubcheck)")


@pytest.fixture(scope="module")
def epubs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    builddir = tmp_path_factory.mktemp("epub")
    done = subprocess.run(
        [sys.executable, "-m", "bilingual.build", "--builder", "epub", "--builddir", str(builddir), "--", "-q"],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return {edition: builddir / "epub" / edition / f"asyncio-{edition}.epub" for edition in LABEL}


@pytest.mark.parametrize("edition", ["ko", "en"])
def test_the_epub_marks_what_varies_with_the_words_of_its_edition(epubs: dict[str, Path], edition: str) -> None:
    with zipfile.ZipFile(epubs[edition]) as book:
        names = book.namelist()
        page = book.read(next(n for n in names if n.endswith("protocols.xhtml"))).decode("utf-8")
        css = book.read(next(n for n in names if n.endswith("_static/varies.css"))).decode("utf-8")
    opening = f'<span class="varies" title="{LABEL[edition]}" data-varies="{LABEL[edition]}">'
    values = re.findall(re.escape(opening) + "([^<]*)</span>", page)
    assert "EpollSelector" in values, values  # the selector's name, not "Using selector: ..."
    ports = [v for v in values if v.isdigit()]
    assert ports and "10000" not in ports and "port 10000" in page, values  # clients' ports only
    assert page.count('class="varies"') == len(values)  # every mark carries the words
    assert 'href="_static/varies.css"' in page
    assert "attr(data-varies)" in css  # what a screen reader reads after the value


def test_epubcheck_finds_nothing(epubs: dict[str, Path]) -> None:
    command = epubcheck()
    for edition, epub in epubs.items():
        checked = subprocess.run([*command, "-q", str(epub)], capture_output=True, text=True, timeout=300)
        assert checked.returncode == 0, f"{edition}: {checked.stdout}{checked.stderr}"
