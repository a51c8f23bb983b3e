"""The verdict stays true: flakes are told apart, failures are never replayed, names stay
inside snippets/, and listings run with the Python a reader has."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from booktools import Book, processes_under

from outputcheck.running import interpreters

ROOT = Path(__file__).resolve().parent.parent


def cli(book: Book, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """One command of its own (a new owner), as an author runs it."""
    return subprocess.run([sys.executable, "-m", "outputcheck", *args, "--project", str(book.root)],
                          capture_output=True, text=True, timeout=120, env=env)


def sphinx(book: Book, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "sphinx", "-W", "--keep-going", "-b", "html",
                           str(book.root), str(book.root / "_build" / "html")],
                          capture_output=True, text=True, timeout=120, env=env)


def first_run_only(flag: Path) -> str:
    """A listing whose first run prints two lines the other way round, once."""
    return textwrap.dedent(f"""
        import os
        flag = {str(flag)!r}
        if not os.path.exists(flag):
            open(flag, "w").close()
            print("consumer: got item")
            print("producer: queue empty")
        else:
            print("producer: queue empty")
            print("consumer: got item")
        print("done")
    """)


PAGE = "# P\n\n```{output}\n$ python3 order.py\nproducer: queue empty\nconsumer: got item\ndone\n```\n"


def test_a_listing_that_misbehaves_once_is_flaky_not_a_mismatch(book: Book, tmp_path: Path) -> None:
    book.snippet("order", first_run_only(tmp_path / "flag"))
    page = book.page("page", PAGE)
    built = sphinx(book, env={k: v for k, v in os.environ.items() if k != "CI"})
    assert built.returncode == 0, built.stderr  # outside CI a flake is reported, not fatal
    out = built.stdout
    assert "page.md:3: flaky: the first run differed from the page, a fresh rerun matched it" in out
    assert "lines that moved between the two runs" in out
    assert "2 -> 3: consumer: got item" in out and "3 -> 2: producer: queue empty" in out
    assert "do not run `make update-outputs`" in out
    assert "1 verified" not in out and "0 failed, 1 flaky" in out
    assert page.read_text() == PAGE


def test_a_flaky_block_fails_under_ci(book: Book, tmp_path: Path) -> None:
    book.snippet("order", first_run_only(tmp_path / "flag"))
    book.page("page", PAGE)
    built = sphinx(book, env=dict(os.environ, CI="true"))
    assert built.returncode == 1
    assert "page.md:3: flaky:" in built.stderr


def test_update_never_writes_a_flaky_block(book: Book, tmp_path: Path) -> None:
    book.snippet("order", first_run_only(tmp_path / "flag"))
    page = book.page("page", PAGE)
    done = cli(book, "update")
    assert "flaky" in done.stderr
    assert page.read_text() == PAGE


def test_a_mismatch_is_never_served_from_the_cache_to_the_next_command(book: Book) -> None:
    book.snippet("plain", 'print("new")\n')
    book.page("page", "# P\n\n```{output}\n$ python3 plain.py\nold\n```\n")
    first = cli(book, "check")
    assert first.returncode == 1 and "1 ran" in first.stdout and "1 rerun fresh" in first.stdout
    assert "output differs from the page" in first.stderr
    second = cli(book, "check")
    assert second.returncode == 1
    assert "1 ran, 0 cached" in second.stdout  # rerun, not replayed
    assert "from cache" not in second.stderr


def test_a_pass_is_still_served_from_the_cache(book: Book) -> None:
    book.snippet("plain", 'print("same")\n')
    book.page("page", "# P\n\n```{output}\n$ python3 plain.py\nsame\n```\n")
    assert cli(book, "check").returncode == 0
    again = cli(book, "check")
    assert again.returncode == 0 and "0 ran, 1 cached" in again.stdout


DICE = (
    "import random, time\n"
    "r = random.Random(time.time_ns())\n"
    "print('rolled', r.randint(1, 10**9))\n"
    "print('pid', r.randint(1000, 99999), 'again', 'pid')\n"
    "print('done')\n"
)


def test_update_refuses_runs_that_disagree_then_the_proposal_pasted_in_makes_them_pass(book: Book) -> None:
    """End to end, as an author: update refuses and proposes; the proposal goes on the
    block; the next update writes; a check of fresh runs passes."""
    book.snippet("dice", DICE)
    page = book.page("page", "# P\n\n```{output}\n$ python3 dice.py\nrolled 0\n```\n")
    before = page.read_text()
    done = cli(book, "update")
    assert done.returncode == 1
    assert "page.md:3: 3 fresh runs of dice.py do not agree; nothing was written" in done.stderr
    assert "    line 2: rolled " in done.stderr and "    line 4: done" not in done.stderr
    assert page.read_text() == before
    proposed = done.stderr.split("proposed declaration (every run matches every other under it):\n")[1]
    options = [line.strip() for line in proposed.split("\n  next:")[0].splitlines()]
    assert options and all(line.startswith(":") for line in options)
    page.write_text(before.replace("```{output}\n", "```{output}\n" + "\n".join(options) + "\n\n"))
    written = cli(book, "update")
    assert written.returncode == 0, written.stderr
    assert "updated page.md:3 [python3 dice.py] (3 fresh runs agreed)" in written.stdout
    for _ in range(3):
        again = cli(book, "check", "--no-cache")
        assert again.returncode == 0, again.stderr


def test_update_writes_what_repeats(book: Book) -> None:
    book.snippet("steady", "print('steady')\n")
    page = book.page("page", "# P\n\n```{output}\n$ python3 steady.py\nold\n```\n")
    done = cli(book, "update", "--runs", "4")
    assert done.returncode == 0, done.stderr
    assert "updated page.md:3 [python3 steady.py] (4 fresh runs agreed)" in done.stdout
    assert "$ python3 steady.py\nsteady\n" in page.read_text()


@pytest.mark.parametrize("name", ["../conf", "/etc/hostname", "sub/thing"])
def test_a_listing_name_outside_snippets_is_a_located_error(book: Book, name: str) -> None:
    book.page("page", f"# P\n\nText.\n\n```{{listing}} {name}\n```\n")
    built = book.build()
    assert built.status == 1
    assert f"page.md:5: listing: {name!r} is not a snippet name" in built.warnings
    assert not (book.root / "_build" / "html" / "_downloads").exists()


def test_a_symlink_out_of_snippets_is_refused_for_listing_and_output(book: Book) -> None:
    (book.root / "secret.py").write_text("print('SECRET' + '-CONTENT')  # ONLY-IN-THE-FILE\n")
    (book.root / "snippets" / "evil.py").symlink_to(book.root / "secret.py")
    book.page("page", "# P\n\n```{listing} evil\n```\n\n```{output}\n$ python3 evil.py\nSECRET-CONTENT\n```\n")
    built = book.build()
    assert built.status == 1
    assert "page.md:3: listing: snippets/evil.py leads outside snippets/" in built.warnings
    assert "page.md:6: output block: snippets/evil.py leads outside snippets/" in built.warnings
    assert "ONLY-IN-THE-FILE" not in built.html(book.root)  # neither shown nor run
    assert not list((book.root / "_build").rglob("_downloads/*/*"))
    assert not list((book.root / "_cache").rglob("*.json"))


def test_the_pytest_side_refuses_a_symlink_too(book: Book) -> None:
    (book.root / "secret.py").write_text("print('x')\n")
    (book.root / "snippets" / "evil.py").symlink_to(book.root / "secret.py")
    book.page("page", "# P\n\n```{output}\n$ python3 evil.py\nx\n```\n")
    done = cli(book, "check")
    assert done.returncode == 1
    assert "page.md:3: could not run evil.py: snippets/evil.py leads outside snippets/" in done.stderr


def test_listings_run_with_the_readers_python_not_the_virtualenv(book: Book) -> None:
    book.snippet("tools", "import sphinx\nprint('sphinx is here')\n")
    book.page("page", "# P\n\n```{output}\n$ python3 tools.py\nsphinx is here\n```\n")
    built = book.build()
    assert built.status == 1
    assert ("page.md:3: tools.py exited with code 1: ModuleNotFoundError: No module named 'sphinx'"
            in built.warnings)
    assert interpreters.reader_python() != sys.executable or sys.prefix == sys.base_prefix


def test_a_listing_killed_by_a_signal_says_which(book: Book) -> None:
    book.snippet("segv", "import os, signal\nprint('before', flush=True)\nos.kill(os.getpid(), signal.SIGSEGV)\n")
    book.page("page", "# P\n\n```{output}\n$ python3 segv.py\nbefore\n```\n")
    built = book.build()
    assert "page.md:3: segv.py was killed by SIGSEGV [snippet segv]" in built.warnings


def test_a_server_that_ignores_its_port_is_told_so_and_the_client_is_not_run(book: Book) -> None:
    book.snippet("server", textwrap.dedent("""
        import socket, time
        s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen()
        print("listening on my own port", flush=True)
        time.sleep(60)
    """))
    book.snippet("client", "print('client ran')\n")
    book.page("page", textwrap.dedent("""
        # P

        ```{output}
        :server: server
        :timeout: 3

        $ python3 client.py
        client ran
        ```

        ```{output}
        :client: client
        :timeout: 3

        $ python3 server.py
        listening on my own port
        ```
    """))
    built = book.build()
    w = built.warnings
    assert "page.md:3: client.py was not run: server server.py did not listen on the port it was given (ECHO_PORT=" in w
    assert "; it listens on " in w and " instead" in w
    assert "page.md:11: server server.py did not listen on the port it was given" in w
    assert "int(os.environ['ECHO_PORT'])" in w
    assert "ran past its timeout" not in w
    assert processes_under(book.root) == []


def test_the_book_build_never_marks_pages_it_fails_instead(book: Book) -> None:
    book.snippet("plain", 'print("new")\n')
    book.page("page", "# P\n\n```{output}\n$ python3 plain.py\nold\n```\n\n```{listing} absent\n```\n")
    built = book.build()
    assert built.status == 1
    assert "outputcheck-mark" not in built.html(book.root)


def test_the_live_preview_marks_each_failing_block_where_it_is(book: Book) -> None:
    book.snippet("plain", 'print("new")\n')
    book.snippet("good", 'print("good")\n')
    book.page("page", "# P\n\n```{output}\n$ python3 plain.py\nold\n```\n\n```{listing} absent\n```\n\n"
                      "```{output}\n$ python3 good.py\ngood\n```\n")
    built = book.build(outputcheck_mark_failures=True)
    html = built.html(book.root)
    assert html.count('class="outputcheck-mark"') == 2
    assert 'data-block="page.md:3"><div class="outputcheck-mark"' in html
    assert 'data-block="page.md:8"><div class="outputcheck-mark"' in html and "snippet absent.py not found" in html
    assert 'data-block="page.md:11"><!-- /outputcheck-mark -->' in html  # a good block: an empty slot
    book.snippet("plain", 'print("old")\n')
    book.page("page", "# P\n\n```{output}\n$ python3 plain.py\nold\n```\n\n```{output}\n$ python3 good.py\ngood\n```\n")
    again = book.build(outputcheck_mark_failures=True)
    assert again.status == 0 and 'class="outputcheck-mark"' not in again.html(book.root)


def test_update_names_host_facts_a_block_does_not_declare(book: Book) -> None:
    import socket

    book.snippet("where", "import socket\nprint('running on', socket.gethostname())\n")
    page = book.page("page", "# P\n\n```{output}\n$ python3 where.py\n```\n")
    done = cli(book, "update")
    assert done.returncode == 0, done.stderr
    assert "host fact: page.md:3: line 2 of the output shows this machine's host name" in done.stderr
    assert "declare ':host: host' on the block" in done.stderr
    text = page.read_text()
    assert "running on <host>" in text and socket.gethostname() not in text.replace("python3 where.py", "")
