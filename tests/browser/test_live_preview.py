"""The live preview marks a failing block on the served page, and unmarks it; it marks
the values that vary, as the built book does.

A real ``make livehtml`` on a free port serves a private copy of the book; the test
edits a listing so that its printed line no longer matches the page, reads the served
page over HTTP until the block carries the report, takes a screenshot, reverts the edit
and reads again until the mark is gone.  Then Ctrl-C, and nothing may be left.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

from booktools import copy_of_the_book, make, processes_under


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str:
    """The page as served, or "" while the server does not answer (it starts, or a
    rebuild removed the page for a moment).  A page that comes short of its announced
    length is not retried: ``IncompleteRead`` fails the test, as half a page would
    fail a reader (the server must send every page whole)."""
    try:
        response = urllib.request.urlopen(url, timeout=5)
    except OSError:  # refused, reset, 404 while the page is rebuilt: ask again
        return ""
    with response:
        page = response.read().decode("utf-8")
    assert "</html>" in page, f"{url} was sent without its end ({len(page)} characters)"
    return page


def wait_until(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.25)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def test_livehtml_marks_a_failing_block_and_clears_it(tmp_path: Path, browser, artifacts: Path) -> None:
    book = copy_of_the_book(tmp_path / "book")
    port = free_port()
    command = make("livehtml", f"PORT={port}")
    proc = subprocess.Popen(command, cwd=book, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)
    url = f"http://127.0.0.1:{port}/coroutines.html"
    snippet = book / "snippets" / "asyncio_coroutine.py"
    original = snippet.read_text()
    try:
        page = wait_until(lambda: (t := fetch(url)) and "asyncio_coroutine.py" in t and t, 300, "the first build")
        assert 'class="outputcheck-mark"' not in page and "outputcheck-mark-slot" in page
        # values that vary are marked on the served page as in `make html`: a client's port,
        # never the book's server port 10000
        served = wait_until(lambda: (t := fetch(f"http://127.0.0.1:{port}/protocols.html"))
                            and "asyncio_echo_client_protocol.py" in t and t, 120, "the protocols page")
        opening = '<span class="varies" title="실행할 때마다 달라짐" data-varies="실행할 때마다 달라짐">'
        values = re.findall(re.escape(opening) + "([^<]*)</span>", served)
        assert "EpollSelector" in values and any(v.isdigit() for v in values), values
        assert "10000" not in values and "port 10000" in served
        snippet.write_text(original.replace('print("in coroutine")', 'print("inside the coroutine")'))
        marked = wait_until(lambda: 'class="outputcheck-mark"' in (t := fetch(url)) and t, 120, "the failing block's mark")
        assert "docs/coroutines.md:" in marked and "output differs from the page" in marked
        assert "+inside the coroutine" in marked and "make update-outputs" in marked
        view = browser.new_page(viewport={"width": 1100, "height": 900})
        view.goto(url)
        mark = view.locator(".outputcheck-mark").first
        mark.scroll_into_view_if_needed()
        assert mark.is_visible()
        view.screenshot(path=str(artifacts / "screenshots" / "live-preview-failing-block.png"))
        view.close()
        snippet.write_text(original)
        wait_until(lambda: (t := fetch(url)) and 'class="outputcheck-mark"' not in t and "asyncio_coroutine.py" in t,
                   120, "the mark to go away")
    finally:
        snippet.write_text(original)
        os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
    deadline = time.monotonic() + 2
    while processes_under(book) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert processes_under(book) == []
