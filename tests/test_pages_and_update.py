"""The page scanner and update mode: rewrite only drifted blocks, whole or not at all."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from booktools import Book

from outputcheck.verbs import update
from outputcheck.reading.pages import scan_text

PAGE = textwrap.dedent(
    """\
    # Title

    Intro with `code`.

    ```{output}
    :vary: float

    $ python3 timing.py
    stale line
    ```

    Middle paragraph.

    ````{note}
    ```{output}
    $ python3 plain.py
    plain
    ```
    ````

    :::{output}
    $ python3 plain.py
    plain
    :::

    End.
    """
)


def test_scanner_finds_blocks_with_positions_and_options() -> None:
    found = list(scan_text(Path("p.md"), PAGE))
    assert [f.line for f in found] == [5, 15, 21]
    assert found[0].options == {"vary": "float"}
    assert found[0].content == "$ python3 timing.py\nstale line"
    assert found[1].content == found[2].content == "$ python3 plain.py\nplain"


def run_cli(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "outputcheck", *args, "--project", str(root)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_update_rewrites_only_drifted_blocks_and_is_idempotent(book: Book) -> None:
    book.snippet("timing", 'import time\nprint("started at", time.monotonic())\n')
    book.snippet("plain", 'print("plain")\n')
    page = book.page("page", PAGE)
    first = run_cli(book.root, "update")
    assert first.returncode == 0, first.stderr
    assert "updated page.md:5 [python3 timing.py]" in first.stdout
    text = page.read_text()
    expected = PAGE.replace("stale line", text.split("$ python3 timing.py\n")[1].split("\n")[0])
    assert text == expected  # nothing else in the page changed
    assert text.split("$ python3 timing.py\n")[1].startswith("started at ")
    second = run_cli(book.root, "update", "--no-cache")
    assert second.returncode == 0
    assert "nothing to update" in second.stdout
    assert page.read_text() == text  # a new float, but declared volatile: no rewrite


def test_update_never_writes_a_crash_or_a_timeout(book: Book) -> None:
    book.snippet("crash", "raise SystemExit(3)\n")
    page = book.page("page", "# P\n\n```{output}\n$ python3 crash.py\nold\n```\n")
    before = page.read_bytes()
    done = run_cli(book.root, "update")
    assert done.returncode == 1
    assert "crash.py exited with code 3" in done.stderr
    assert page.read_bytes() == before


def test_update_keeps_host_paths_out_of_pages(book: Book) -> None:
    book.snippet("where", 'import os, tempfile\nprint(__file__)\nprint(os.path.dirname(os.__file__))\n')
    page = book.page("page", "# P\n\n```{output}\n$ python3 where.py\n```\n")
    assert run_cli(book.root, "update").returncode == 0
    text = page.read_text()
    assert "where.py\n<python>/lib/python3" in text
    assert str(book.root) not in text and "/root" not in text and "/home" not in text


def test_an_interrupted_write_leaves_the_old_page(book: Book, monkeypatch: pytest.MonkeyPatch) -> None:
    book.snippet("plain", 'print("new")\n')
    page = book.page("page", "# P\n\n```{output}\n$ python3 plain.py\nold\n```\n")
    before = page.read_bytes()
    from outputcheck.running import files as files_module
    from outputcheck.verbs.check import check_blocks
    from outputcheck.verbs.config import load
    from outputcheck.reading.pages import collect

    project = load(book.root)
    blocks, _ = collect(project.pages, project.root)
    verdicts, _ = check_blocks(blocks, project.settings(use_cache=False))

    def boom(fd: int) -> None:
        raise KeyboardInterrupt  # the write is interrupted half way

    monkeypatch.setattr(files_module.os, "fsync", boom)
    with pytest.raises(KeyboardInterrupt):
        update.apply(verdicts, project.root)
    assert page.read_bytes() == before
    assert [p.name for p in page.parent.iterdir() if p.name.startswith(".page.md")] == []


def test_builds_and_checks_at_the_same_time_share_the_cache_safely(book: Book) -> None:
    for i in range(6):
        book.snippet(f"s{i}", f'import time\ntime.sleep(0.2)\nprint("snippet {i}")\n')
        book.page(f"p{i}", f"# P{i}\n\n```{{output}}\n$ python3 s{i}.py\nsnippet {i}\n```\n")
    commands = [
        [sys.executable, "-m", "outputcheck", "check", "--project", str(book.root)],
        [sys.executable, "-m", "outputcheck", "check", "--project", str(book.root)],
        [sys.executable, "-m", "sphinx", "-q", "-b", "html", str(book.root), str(book.root / "_build" / "a")],
        [sys.executable, "-m", "sphinx", "-q", "-b", "html", str(book.root), str(book.root / "_build" / "b")],
    ]
    procs = [subprocess.Popen(c, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) for c in commands]
    outputs = [p.communicate(timeout=120)[0] for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0, 0], outputs
    entries = [p for p in (book.root / "_cache").rglob("*.json") if p.name != "durations.json"]
    assert len(entries) == 6
    again = run_cli(book.root, "check")
    assert "0 ran, 6 cached" in again.stdout
