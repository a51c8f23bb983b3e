"""Real Sphinx builds of a throwaway book: the build fails exactly when a page lies."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from outputcheck.running import processes

from booktools import Book, HELLO, HELLO_PAGE, alive


def test_matching_book_builds_and_shows_listing_and_output(book: Book) -> None:
    book.snippet("hello", HELLO)
    book.page("page", HELLO_PAGE)
    built = book.build()
    assert built.status == 0, built.warnings
    html = built.html(book.root)
    assert "hello.py" in html  # caption
    assert '<span class="s2">"hello"</span>' in html and "listing" in html
    assert "to stderr" in html and "output" in html
    assert "1 verified, 0 failed" in built.out


def test_drift_fails_naming_page_line_snippet_and_diff(book: Book) -> None:
    book.snippet("hello", HELLO)
    book.page("page", HELLO_PAGE)
    assert book.build().status == 0
    book.snippet("hello", HELLO.replace('"done"', '"finished for good"'))
    built = book.build()
    assert built.status == 1
    assert "page.md:8: output differs from the page [snippet hello]" in built.warnings
    assert "+finished for good" in built.warnings
    assert "-done" in built.warnings
    assert "make update-outputs" in built.warnings
    assert "command: cd snippets && python3 hello.py" in built.warnings


def test_every_mismatch_of_the_build_is_reported(book: Book) -> None:
    book.snippet("one", 'print("one")\n')
    book.snippet("two", 'print("two")\n')
    book.page("a", "# A\n\n```{output}\n$ python3 one.py\nONE\n```\n")
    book.page("b", "# B\n\n```{output}\n$ python3 two.py\nTWO\n```\n")
    built = book.build()
    assert built.status == 1
    assert "a.md:3: output differs" in built.warnings
    assert "b.md:3: output differs" in built.warnings
    assert "2 failed" in built.out


def test_failure_persists_in_an_incremental_rebuild(book: Book) -> None:
    book.snippet("hello", HELLO)
    book.page("page", HELLO_PAGE.replace("done", "not what it prints"))
    assert book.build().status == 1
    again = book.build()
    assert again.reread == []  # nothing changed, nothing re-read ...
    assert again.status == 1  # ... and the page still does not pass
    assert "output differs" in again.warnings


def test_missing_snippet_in_output_and_listing(book: Book) -> None:
    book.page("page", "# P\n\n```{listing} nowhere\n```\n\n```{output}\n$ python3 nowhere.py\nx\n```\n")
    built = book.build()
    assert built.status == 1
    assert "page.md:3" in built.warnings and "listing: snippet nowhere.py not found" in built.warnings
    assert "page.md:6: snippet nowhere.py does not exist" in built.warnings


def test_crash_reports_exit_code_and_captured_output(book: Book) -> None:
    book.snippet("crash", 'print("before")\nraise SystemExit("it broke")\n')
    book.page("page", "# P\n\n```{output}\n$ python3 crash.py\nbefore\n```\n")
    built = book.build()
    assert built.status == 1
    assert "crash.py exited with code 1" in built.warnings
    assert "| it broke" in built.warnings and "| before" in built.warnings
    assert ":returncode: 1" in built.warnings  # how to declare an intended failure


def test_expected_failure_with_returncode_passes(book: Book) -> None:
    book.snippet("crash", 'print("before")\nraise SystemExit("it broke")\n')
    book.page("page", "# P\n\n```{output}\n:returncode: 1\n\n$ python3 crash.py\nbefore\nit broke\n```\n")
    assert book.build().status == 0


def test_timeout_kills_the_snippet_and_its_children(book: Book, tmp_path: Path) -> None:
    pids = tmp_path / "pids"
    book.snippet(
        "hang",
        f'''
        import os, subprocess, sys, time
        child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
        open({str(pids)!r}, "w").write(f"{{os.getpid()}} {{child.pid}}")
        print("waiting forever", flush=True)
        time.sleep(600)
        ''',
    )
    book.page("page", "# P\n\n```{output}\n:timeout: 2\n\n$ python3 hang.py\nwaiting forever\n```\n")
    started = time.monotonic()
    built = book.build()
    elapsed = time.monotonic() - started
    assert built.status == 1
    assert "ran past its timeout of 2 s" in built.warnings
    assert "| waiting forever" in built.warnings
    assert elapsed < 2 + 10
    for pid in map(int, pids.read_text().split()):
        assert not alive(pid), f"process {pid} outlived the build"




def test_second_build_runs_nothing_and_says_so(book: Book, monkeypatch: pytest.MonkeyPatch) -> None:
    book.snippet("hello", HELLO)
    book.page("page", HELLO_PAGE)
    first = book.build()
    assert "1 ran, 0 cached" in first.out
    second = book.build()
    assert second.status == 0
    assert "all verified by an earlier build" in second.out and "nothing ran" in second.out
    # without that shortcut (its marker gone), the check runs again: from the cache.
    # Within the command that stored the run (make html's prefetch, then its editions),
    # the summary says the run was made moments ago, not that nothing ran.
    (book.root / "_build" / "doctrees" / "outputcheck-verified").unlink()
    third = book.build()
    assert "0 ran, 1 cached (1 of them run by this same command" in third.out
    assert "nothing ran" not in third.out
    monkeypatch.setattr(processes, "OWNER", "the next make html")
    (book.root / "_build" / "doctrees" / "outputcheck-verified").unlink()
    fourth = book.build()
    assert "0 ran, 1 cached, 0 failed" in fourth.out and "nothing ran" in fourth.out


def test_edited_snippet_reruns_and_rereads_only_its_page(book: Book) -> None:
    book.snippet("hello", HELLO)
    book.snippet("other", 'print("other")\n')
    book.page("page", HELLO_PAGE)
    book.page("second", "# S\n\n```{output}\n$ python3 other.py\nother\n```\n")
    assert book.build().status == 0
    time.sleep(0.01)
    book.snippet("other", 'print("other")  # same output, new bytes\n')
    built = book.build()
    assert built.reread == ["second"]
    assert "1 ran, 1 cached" in built.out
    assert built.status == 0


def test_local_module_is_a_dependency_and_part_of_the_key(book: Book) -> None:
    book.snippet("helper", 'WORD = "alpha"\n')
    book.snippet("user", 'from helper import WORD\nprint(WORD)\n')
    book.page("page", "# P\n\n```{listing} user\n```\n\n```{output}\n$ python3 user.py\nalpha\n```\n")
    assert book.build().status == 0
    time.sleep(0.01)
    book.snippet("helper", 'WORD = "beta"\n')
    built = book.build()
    assert built.reread == ["page"]
    assert built.status == 1 and "+beta" in built.warnings


def test_damaged_cache_entry_is_ignored_and_rerun(book: Book) -> None:
    book.snippet("hello", HELLO)
    book.page("page", HELLO_PAGE)
    assert book.build().status == 0
    entries = [p for p in (book.root / "_cache").rglob("*.json") if p.name != "durations.json"]
    assert len(entries) == 1
    # A damaged entry that claims a different output must not pass or fail falsely.
    text = entries[0].read_text()
    entries[0].write_text(text.replace("hello", "HELLO"))
    marker = book.root / "_build" / "doctrees" / "outputcheck-verified"
    marker.unlink()  # make the build check again rather than trust the last verdicts
    built = book.build(outputcheck_cache="_cache")
    assert built.status == 0
    assert "1 ran, 0 cached" in built.out
    entries[0].write_text(text[: len(text) // 2])  # truncated
    marker.unlink()
    assert "1 ran, 0 cached" in book.build().out


def test_volatile_values_keep_identity(book: Book) -> None:
    book.snippet(
        "addr",
        '''
        import time
        a, b = object(), object()
        print(f"first {id(a):#x}, again {id(a):#x}, other {id(b):#x}")
        print(f"at {time.monotonic()}")
        ''',
    )
    good = "first 0x7f01, again 0x7f01, other 0x7f02\nat 12.5"
    wrong = "first 0x7f01, again 0x7f02, other 0x7f03\nat 12.5"
    book.page("page", f"# P\n\n```{{output}}\n:vary: address, float\n\n$ python3 addr.py\n{good}\n```\n")
    assert book.build().status == 0
    book.page("page", f"# P\n\n```{{output}}\n:vary: address, float\n\n$ python3 addr.py\n{wrong}\n```\n")
    built = book.build()
    assert built.status == 1
    # the diff shows the page's own line and marks what differs, never placeholders
    assert f"-{wrong.splitlines()[0]}" in built.warnings and "^" in built.warnings
    assert "<address-" not in built.warnings


def test_unordered_lines(book: Book) -> None:
    book.snippet("lines", 'for w in ["c", "a", "b"]:\n    print(w)\nprint("end")\n')
    book.page("page", "# P\n\n```{output}\n:unordered: 2-4\n\n$ python3 lines.py\na\nb\nc\nend\n```\n")
    assert book.build().status == 0
    book.page("page", "# P\n\n```{output}\n:unordered: 2-4\n\n$ python3 lines.py\na\nb\nend\nc\n```\n")
    assert book.build().status == 1


def test_environment_is_minimal_and_fixed(book: Book, monkeypatch) -> None:
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "s3cr3t-value")
    book.snippet("env", 'import os\nfor k in sorted(os.environ):\n    print(k, "=", os.environ[k])\n')
    book.page("page", "# P\n\n```{output}\n$ python3 env.py\n```\n")
    built = book.build()
    assert built.status == 1  # the block is empty: the diff shows the environment
    assert "s3cr3t" not in built.warnings and "AWS_SECRET" not in built.warnings
    assert "PYTHONHASHSEED = 0" in built.warnings
    assert "PYTHONWARNINGS = error::DeprecationWarning" in built.warnings
    keys = re.findall(r"^  \| \+([A-Z_]+) = ", built.warnings, flags=re.M)
    assert set(keys) <= {"PATH", "LANG", "LC_ALL", "TZ", "PYTHONHASHSEED", "PYTHONUNBUFFERED",
                         "PYTHONUTF8", "PYTHONIOENCODING", "PYTHONDONTWRITEBYTECODE", "PYTHONWARNINGS", "LC_CTYPE", "OUTPUTCHECK_RUN", "OUTPUTCHECK_OWNER"}


def test_deprecation_warning_fails_the_run(book: Book) -> None:
    book.snippet("old", 'import warnings\nwarnings.warn("old api", DeprecationWarning)\nprint("after")\n')
    book.page("page", "# P\n\n```{output}\n$ python3 old.py\nafter\n```\n")
    built = book.build()
    assert built.status == 1 and "DeprecationWarning: old api" in built.warnings


def test_bad_block_is_an_error_at_its_line(book: Book) -> None:
    book.page("page", "# P\n\ntext\n\n```{output}\n:vary: colour\n\n$ python3 x.py\n```\n")
    built = book.build()
    assert built.status == 1
    assert "page.md:5" in built.warnings and "does not know 'colour'" in built.warnings


def test_two_terminals_of_one_client_server_run(book: Book) -> None:
    from test_servers import CLIENT, SERVER

    book.snippet("server", SERVER)
    book.snippet("client", CLIENT)
    book.page(
        "page",
        """
        # Two terminals

        ```{output}
        :client: client

        $ python3 server.py
        serving on port 10000
        server got b'ping'
        interrupted
        server closed
        ```

        ```{output}
        :server: server

        $ python3 client.py
        connected to port 10000
        client got b'ping'
        ```
        """,
    )
    built = book.build()
    assert built.status == 0, built.warnings
    assert "2 output blocks and 0 instrumented runs, 1 snippet runs: 1 ran" in built.out
    time.sleep(0.01)
    book.snippet("server", SERVER.replace('print("interrupted", flush=True)', 'print("stopped", flush=True)'))
    built = book.build()
    assert built.reread == ["page"]
    assert built.status == 1
    assert "page.md:3: output differs from the page [snippet server]" in built.warnings
    assert "+stopped" in built.warnings and "(with client.py as client)" in built.warnings


def test_a_timeout_is_shared_by_the_same_command_but_retried_by_the_next(book: Book, monkeypatch) -> None:

    book.snippet("slow", "import time\nprint('start', flush=True)\ntime.sleep(60)\n")
    book.page("page", "# P\n\n```{output}\n:timeout: 1.5\n\n$ python3 slow.py\nstart\n```\n")
    started = time.monotonic()
    first = book.build()
    assert first.status == 1 and "ran past its timeout of 1.5 s" in first.warnings
    again = book.build()  # the other edition, a moment later: the same verdict, no second wait
    assert again.status == 1 and "ran past its timeout of 1.5 s" in again.warnings
    assert "0 ran, 1 cached" in again.out
    assert time.monotonic() - started < 1.5 * 2 + 3
    monkeypatch.setattr(processes, "OWNER", "another-command")  # the next make html
    later = book.build()
    assert later.status == 1 and "1 ran, 0 cached" in later.out  # the timeout is not replayed
