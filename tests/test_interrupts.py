"""Ctrl-C, SIGTERM and background jobs: real builds in real process groups.

Each test starts a real command (``python -m sphinx``, ``python -m outputcheck``, pytest)
on a throwaway book in a process group of its own, signals the group as a terminal would,
and then reads ``/proc``: nothing of the command may be left, within 2 s, and the next
command must behave as if the interrupted one had never run.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from booktools import STOPPED_WITHIN, Book, processes_under, wait_for
from signalling import INT, TERM, VOLLEYS, Volley, assert_stopped_once, handlers_installed, stop

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT / "snippets"


def sphinx(book: Book, *extra: str) -> list[str]:
    return [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-b", "html", *extra,
            str(book.root), str(book.root / "_build" / "html")]


def start(command: list[str], cwd: Path, env: dict[str, str] | None = None, **kw) -> subprocess.Popen[str]:
    """A command in a process group of its own, as a shell starts a foreground job."""
    return subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True, **kw)


def running(book: Book, name: str) -> bool:
    return any(f"{name}.py" in p for p in processes_under(book.root / "snippets"))


def interrupt(proc: subprocess.Popen[str], sig: int = signal.SIGINT) -> tuple[int, str, float]:
    """Signal the whole group (Ctrl-C reaches every process of the foreground job)."""
    sent = time.monotonic()
    os.killpg(proc.pid, sig)
    out, err = proc.communicate(timeout=20)
    return proc.returncode, err, time.monotonic() - sent


def cache_entries(book: Book) -> list[Path]:
    return [p for p in (book.root / "_cache").rglob("*.json") if p.name != "durations.json"]


def assert_nothing_left(book: Book, within: float = STOPPED_WITHIN) -> None:
    deadline = time.monotonic() + within
    while processes_under(book.root) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert processes_under(book.root) == []


SLOW = 'import time\nprint("begun", flush=True)\ntime.sleep(1.5)\nprint("ended")\n'
SLOW_PAGE = "# P\n\n```{output}\n$ python3 slow.py\nbegun\nended\n```\n"


def test_ctrl_c_while_listings_run_stops_them_records_nothing_and_the_next_build_passes(book: Book) -> None:
    book.snippet("slow", SLOW)
    book.snippet("quick", 'print("quick")\n')
    book.page("page", SLOW_PAGE + "\n```{output}\n$ python3 quick.py\nquick\n```\n")
    proc = start(sphinx(book), book.root)
    wait_for(lambda: running(book, "slow") and cache_entries(book), what="one listing done, one running")
    code, err, took = interrupt(proc)
    assert code == 130, err
    assert took < STOPPED_WITHIN
    last = err.strip().splitlines()[-1]
    assert last.startswith("sphinx-build (en edition): interrupted by SIGINT (Ctrl-C) while ")
    assert "stopped 1 listing run(s): slow.py" in last and "nothing of this run was cached" in last
    assert_nothing_left(book)
    assert cache_entries(book) == []  # even the run that had ended is forgotten
    again = subprocess.run(sphinx(book), cwd=book.root, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stderr
    assert "did not end; building it again from scratch" in again.stdout
    assert "2 ran, 0 cached" in again.stdout


def test_sigterm_stops_a_build_like_ctrl_c(book: Book) -> None:
    book.snippet("slow", SLOW)
    book.page("page", SLOW_PAGE)
    proc = start(sphinx(book), book.root)
    wait_for(lambda: running(book, "slow"), what="the listing to start")
    os.kill(proc.pid, signal.SIGTERM)  # to the build only, as `kill PID` does
    out, err = proc.communicate(timeout=20)
    assert proc.returncode == 143, err
    assert "interrupted by SIGTERM while" in err
    assert_nothing_left(book)


def test_ctrl_c_while_sphinx_writes_pages_leaves_a_state_the_next_build_repairs(book: Book) -> None:
    book.snippet("quick", 'print("quick")\n')
    book.page("page", "# P\n\n```{output}\n$ python3 quick.py\nquick\n```\n")
    filler = "\n\n".join(f"Paragraph {i} with *some* `markup` and a [link](https://example.org)." for i in range(300))
    for i in range(120):
        book.page(f"more{i:03d}", f"# More {i}\n\n{filler}\n")
    out = book.root / "_build" / "html"
    proc = start(sphinx(book), book.root)
    wait_for(lambda: len(list(out.glob("more*.html"))) >= 3, timeout=600, what="pages being written")
    code, err, took = interrupt(proc)
    assert code == 130, err
    assert took < STOPPED_WITHIN
    assert "while writing the pages" in err.strip().splitlines()[-1]
    assert len(list(out.glob("more*.html"))) < 120 and not (out / "searchindex.js").exists()
    assert_nothing_left(book)
    again = subprocess.run(sphinx(book), cwd=book.root, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr  # -W: no "search index couldn't be loaded"
    assert len(list(out.glob("more*.html"))) == 120 and (out / "searchindex.js").exists()


def test_ctrl_c_while_a_server_and_its_client_run(book: Book) -> None:
    book.snippet("server", (REAL / "asyncio_echo_server_protocol.py").read_text())
    book.snippet("client", "import time\nprint('client waits', flush=True)\ntime.sleep(3)\n")
    book.page("page", "# P\n\n```{output}\n:server: server\n\n$ python3 client.py\nclient waits\n```\n")
    proc = start(sphinx(book), book.root)
    wait_for(lambda: running(book, "client") and running(book, "server"), what="the server and client")
    code, err, took = interrupt(proc)
    assert code == 130 and took < STOPPED_WITHIN, err
    assert "client.py" in err and "server.py" in err
    assert_nothing_left(book)


def test_a_build_in_a_background_job_still_stops_its_server_with_ctrl_c(book: Book) -> None:
    """``bash -c 'build & wait'``: the build inherits SIGINT ignored; the server must not."""
    for name in ("asyncio_echo_server_protocol", "asyncio_echo_client_protocol"):
        book.snippet(name, (REAL / f"{name}.py").read_text())
    server_block, client_block = _echo_blocks()
    book.page("page", f"# P\n\n{client_block}\n\n{server_block}\n")
    script = " ".join(map(str, sphinx(book))) + " & wait $!"
    started = time.monotonic()
    done = subprocess.run(["bash", "-c", script], cwd=book.root, capture_output=True, text=True, timeout=120,
                          stdin=subprocess.DEVNULL, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))
    assert done.returncode == 0, done.stdout + done.stderr
    assert time.monotonic() - started < 30
    assert_nothing_left(book)


def _echo_blocks() -> tuple[str, str]:
    """The book's own two echo blocks (server terminal, client terminal), as written."""
    from outputcheck.reading.pages import scan_text

    text = (ROOT / "docs" / "protocols.md").read_text()
    found = [f for f in scan_text(Path("protocols.md"), text) if f.options.get("client") or f.options.get("server")]
    lines = text.split("\n")
    server = next(f for f in found if f.options.get("client"))
    client = next(f for f in found if f.options.get("server"))
    return ("\n".join(lines[server.line - 1 : server.content_end + 1]),
            "\n".join(lines[client.line - 1 : client.content_end + 1]))


def test_an_interrupted_update_changes_no_page(book: Book) -> None:
    book.snippet("slow", SLOW.replace('"ended"', '"finished"'))
    page = book.page("page", SLOW_PAGE)
    before = page.read_bytes()
    proc = start([sys.executable, "-m", "outputcheck", "update", "--project", str(book.root)], book.root)
    wait_for(lambda: running(book, "slow"), what="the listing to start")
    time.sleep(0.3)
    code, err, took = interrupt(proc)
    assert code == 130 and took < STOPPED_WITHIN, err
    assert err.strip().splitlines()[-1].startswith("make update-outputs: interrupted by SIGINT (Ctrl-C) while running")
    assert page.read_bytes() == before
    assert_nothing_left(book)
    assert cache_entries(book) == []


def test_an_interrupted_matrix_writes_no_record(book: Book) -> None:
    book.snippet("slow", SLOW)
    book.page("page", SLOW_PAGE)
    record = book.root / "snippets" / "verified.json"
    record.write_text('{"format": 1, "blocks": {}}\n')
    before = record.read_bytes()
    proc = start([sys.executable, "-m", "outputcheck", "matrix", "--project", str(book.root)], book.root)
    wait_for(lambda: running(book, "slow"), what="the listing to start")
    code, err, took = interrupt(proc)
    assert code == 130 and took < STOPPED_WITHIN, err
    last = err.strip().splitlines()[-1]
    assert last.startswith("make matrix: interrupted by SIGINT (Ctrl-C) while verifying 1 blocks on python3"), last
    assert "stopped 1 listing run(s): slow.py" in last
    assert record.read_bytes() == before
    assert_nothing_left(book)
    assert cache_entries(book) == []


def test_ctrl_c_stops_pytest_snippets(book: Book) -> None:
    book.snippet("slow", SLOW)
    book.page("page", SLOW_PAGE)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = start([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "snippets"], book.root, env=env)
    wait_for(lambda: running(book, "slow"), what="the listing to start")
    code, err, took = interrupt(proc)
    assert code == 130 and took < STOPPED_WITHIN, err
    assert "pytest snippets: interrupted by SIGINT (Ctrl-C) while running the listings of 1 output blocks" in err
    assert_nothing_left(book)


def test_workers_never_take_the_signals_so_the_main_thread_acts_at_once() -> None:
    """A process-directed signal goes to any thread that does not block it; if a worker
    took it while the main thread waits in a system call, the handler would wait too."""
    from outputcheck.running import interrupts

    seen: list[int] = []

    def read_mask() -> None:
        status = Path("/proc/thread-self/status").read_text()
        seen.append(int(next(line for line in status.splitlines() if line.startswith("SigBlk")).split()[1], 16))

    interrupts.join(interrupts.worker(read_mask, "probe"))
    for sig in (signal.SIGINT, signal.SIGTERM):
        assert seen[0] & (1 << (sig - 1)), f"{sig.name} is not blocked in a worker"


# -- two and three signals back to back ---------------------------------------------------
#
# Each command of the book that installs the handler, started through make as a user
# starts it (make's process group: a SIGTERM to it reaches the command twice, once from
# the group and once passed on by make), on a throwaway book; a volley of signals at one
# moment of it.  It stops once, within the allowance, with nothing left, and the same
# command then passes.  The handler itself is probed at every line by
# tests/test_interrupts_reentry.py; here the commands are whole.


def make_here(*args: str) -> list[str]:
    """The book's own Makefile, run in a throwaway book (its project is the folder)."""
    venv = ROOT / ".venv"
    return ["make", "-s", "-f", str(ROOT / "Makefile"), *args, f"VENV={venv}", "-o", f"{venv}/.installed"]


COMMANDS = {
    "update-outputs": (make_here("update-outputs"), "-m outputcheck update"),
    "matrix": (make_here("matrix"), "-m outputcheck matrix"),
    "pytest snippets": ([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "snippets"], "pytest"),
}

#: (command, moment, volley): every volley of signalling.VOLLEYS once, each command at
#: the moment its handlers are installed and while its listings run.
CASES = [
    ("update-outputs", "listings", VOLLEYS[0]),
    ("update-outputs", "installed", VOLLEYS[5]),
    ("update-outputs", "confirming", VOLLEYS[6]),
    ("matrix", "listings", VOLLEYS[1]),
    ("matrix", "installed", VOLLEYS[4]),
    ("pytest snippets", "listings", VOLLEYS[2]),
    ("pytest snippets", "installed", VOLLEYS[3]),
    ("pytest snippets", "listings", VOLLEYS[7]),
]


def volley_book(book: Book) -> Path:
    """A listing that runs for a while (its page matches it) and one whose page drifted
    (make update-outputs writes it; the others skip nothing: it is the same output)."""
    book.snippet("slow", SLOW)
    book.snippet("drift", 'print("new")\n')
    return book.page("page", SLOW_PAGE + "\n```{output}\n$ python3 drift.py\nold\n```\n")


@pytest.mark.parametrize("command, moment, volley", CASES, ids=lambda v: str(v))
def test_a_volley_of_signals_stops_the_command_once(book: Book, command: str, moment: str, volley: Volley) -> None:
    page = volley_book(book)
    argv, needle = COMMANDS[command]
    if command != "update-outputs":  # a block that fails would fail the next command
        page.write_text(page.read_text().replace("\nold\n", "\nnew\n"))
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    before = page.read_bytes()
    proc = start(argv, book.root, env=env)
    wait_for(lambda: handlers_installed(proc.pid, needle), 120, f"{command} to take the signals")
    if moment == "listings":
        wait_for(lambda: running(book, "slow"), 60, "the listing to start")
        time.sleep(0.3)
    elif moment == "confirming":  # the three fresh runs that must agree before a page is written
        wait_for(lambda: sum("drift.py" in p for p in processes_under(book.root / "snippets")) >= 2 or
                 cache_entries(book) and running(book, "drift"), 60, "the confirming runs")
    took, output = stop(proc, volley, book.root)
    lines = assert_stopped_once(output, volley)
    assert took < STOPPED_WITHIN, (volley, took, output[-3000:])
    assert processes_under(book.root) == []
    assert proc.returncode != 0, output[-3000:]
    assert lines, f"{volley}: no line says the command was interrupted:\n{output[-3000:]}"
    assert page.read_bytes() == before, "an interrupted command wrote the page"
    assert cache_entries(book) == []
    again = subprocess.run(argv, cwd=book.root, env=env, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stdout[-3000:] + again.stderr[-3000:]
    if command == "update-outputs":
        assert "\nnew\n" in page.read_text()
