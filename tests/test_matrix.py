"""Every block on every supported Python: variants, the record, stale entries."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from booktools import Book

from outputcheck.running import interpreters

NEEDED = ["python3.11", "python3.12", "python3.13"]
pytestmark = pytest.mark.skipif(
    any(interpreters.find(n) is None for n in NEEDED[1:]),
    reason="needs python3.12 and python3.13 (on PATH or under pyenv)",
)

VERSION = 'import sys\nprint("%d.%d" % sys.version_info[:2])\n'


def page(*variants: str) -> str:
    current = "%d.%d" % sys.version_info[:2]
    text = f"# P\n\n```{{output}}\n$ python3 ver.py\n{current}\n```\n"
    for v in variants:
        text += f"\n```{{output-variant}} {v}\n:reason: it prints its own version\n\n$ python3 ver.py\n{v}\n```\n"
    return text


def matrix(root: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "outputcheck", "matrix", "--project", str(root), *extra],
        capture_output=True, text=True, timeout=300,
    )


@pytest.fixture
def project(book: Book) -> Book:
    (book.root / "pyproject.toml").write_text(
        (book.root / "pyproject.toml").read_text()
        + 'matrix = ["python3.11", "python3.12", "python3.13", "python3.99"]\nrecord = "verified.json"\n'
    )
    book.snippet("ver", VERSION)
    return book


def test_variants_make_every_version_pass_and_are_recorded(project: Book) -> None:
    others = [v.removeprefix("python") for v in NEEDED if v != "python%d.%d" % sys.version_info[:2]]
    project.page("page", page(*others))
    done = matrix(project.root)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "python3.99 is not installed here; skipped" in done.stdout
    record = json.loads((project.root / "verified.json").read_text())
    (entry,) = record["blocks"].values()
    assert sorted(entry["verified"]) == NEEDED
    # the build shows them all under the run
    built = project.build()
    assert built.status == 0, built.warnings
    html = built.html(project.root)
    for name in NEEDED:
        assert interpreters.version(interpreters.find(name)) in html


def test_a_missing_variant_fails_on_that_version_with_a_diff(project: Book) -> None:
    others = [v.removeprefix("python") for v in NEEDED if v != "python%d.%d" % sys.version_info[:2]]
    project.page("page", page(*others[:-1]))
    done = matrix(project.root)
    assert done.returncode == 1
    assert f"[python{others[-1]}] page.md:3: output differs from the page" in done.stderr
    assert f"+{others[-1]}" in done.stderr


def test_stale_record_is_said_and_the_page_shows_only_this_build(project: Book) -> None:
    others = [v.removeprefix("python") for v in NEEDED if v != "python%d.%d" % sys.version_info[:2]]
    project.page("page", page(*others))
    assert matrix(project.root).returncode == 0
    project.snippet("ver", VERSION + "# edited\n")
    built = project.build()
    assert built.status == 0
    assert "verification record verified.json is stale for 1 block(s) (page.md:3)" in built.out
    assert "make matrix" in built.out
    html = built.html(project.root)
    assert interpreters.version(sys.executable) in html
    assert interpreters.version(interpreters.find("python3.13")) not in html


def test_variant_must_follow_a_block_and_repeat_its_command(project: Book) -> None:
    project.page(
        "page",
        "# P\n\n```{output-variant} 3.12\n:reason: x\n\n$ python3 ver.py\n3.12\n```\n\n"
        "```{output}\n$ python3 ver.py\n3.11\n```\n\n```{output-variant} 3.12\n:reason: x\n\n$ python3 other.py\n3.12\n```\n",
    )
    built = project.build()
    assert built.status == 1
    assert "page.md:3" in built.warnings and "follows the output block" in built.warnings
    assert "page.md:15" in built.warnings and "starts with the block's own command line" in built.warnings
