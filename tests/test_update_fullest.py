"""make update-outputs refuses a block whose runs agree only because some lines are
optional and show different numbers of them (a racy listing); --write-fullest writes
the run with the most.  The listing here is racy on purpose, and predictably: every
third run it prints its header and no results, so any three runs in a row show the
results in two of them."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from booktools import Book

from outputcheck.verbs import update

RACY = """\
    from pathlib import Path

    counter = Path(__file__).resolve().parent.parent / "runs.txt"
    run = int(counter.read_text()) + 1 if counter.exists() else 1
    counter.write_text(str(run))
    print("looking up 3 names")
    if run % 3:
        for name in ("alpha", "beta", "gamma"):
            print(f"  {name}: found")
"""
STEADY = RACY.replace("if run % 3:", "if True:")
PAGE = "# P\n\n```{output}\n:optional: /  \\w+: found/\n\n$ python3 racy.py\nlooking up 2 names\n```\n"
RESULTS = "looking up 3 names\n  alpha: found\n  beta: found\n  gamma: found\n"


def run_update(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "outputcheck", "update", "--no-cache", *args, "--project", str(root)],
        capture_output=True, text=True, timeout=120,
    )


def test_uneven_runs_are_refused_by_default_and_written_fullest_when_asked(book: Book) -> None:
    book.snippet("racy", RACY)
    page = book.page("page", PAGE)
    before = page.read_bytes()
    refused = run_update(book.root)
    assert refused.returncode == 1, refused.stdout + refused.stderr
    assert page.read_bytes() == before  # nothing written, not even a newline
    report = refused.stderr
    assert "page.md:3: not updated [python3 racy.py]: its 3 fresh runs agree under its declarations" in report, report
    assert re.search(r"optional lines \(/  \\w\+: found/\): 2 of the 3 runs had them \((3, 3, 0|3, 0, 3|0, 3, 3) lines\)", report), report
    assert "the listing is racy: fix it" in report, report
    assert "next: to write the run with the most of them anyway: make update-outputs UPDATE_ARGS=--write-fullest" in report
    assert "updated page.md" not in refused.stdout

    written = run_update(book.root, update.WRITE_FULLEST)
    assert written.returncode == 0, written.stdout + written.stderr
    assert "updated page.md:3 [python3 racy.py]" in written.stdout, written.stdout
    assert "2 of the 3 runs had them" in written.stdout and "--write-fullest: wrote the run with the most" in written.stdout
    assert page.read_text() == PAGE.replace("looking up 2 names\n", RESULTS)  # the fullest run, nothing else changed


def test_even_runs_are_written_with_their_counts(book: Book) -> None:
    book.snippet("racy", STEADY)
    page = book.page("page", PAGE)
    done = run_update(book.root)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "optional lines (/  \\w+: found/): 3 of the 3 runs had them (3, 3, 3 lines)" in done.stdout, done.stdout
    assert "wrote the run with the most" not in done.stdout
    assert page.read_text() == PAGE.replace("looking up 2 names\n", RESULTS)


def test_the_switch_is_in_the_help_and_the_makefile() -> None:
    shown = subprocess.run([sys.executable, "-m", "outputcheck", "--help"], capture_output=True, text=True, timeout=60).stdout
    assert update.WRITE_FULLEST in shown and "UPDATE_ARGS" in shown
    makefile = (Path(__file__).resolve().parent.parent / "Makefile").read_text()
    assert "python -m outputcheck update $(UPDATE_ARGS)" in makefile
