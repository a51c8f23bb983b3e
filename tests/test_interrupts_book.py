"""Interrupts of the book's own commands, on a private copy of the real book: ``make
html`` and ``make livehtml`` stopped in every way a user or a script stops them (volleys
of signals to make's process group at several moments, SIGTERM to the command alone,
the background job that ignores SIGINT).  Nothing may be left, and the next build passes."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest
from booktools import STOPPED_WITHIN, copy_of_the_book, make, processes_under, wait_for
from signalling import INT, TERM, VOLLEYS, Volley, assert_stopped_once, handlers_installed, stop


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    return copy_of_the_book(tmp_path / "book")


def listings(book: Path) -> list[str]:
    return [p for p in processes_under(book / "snippets") if "asyncio_" in p]


def descendant(pid: int, needle: str) -> int:
    """The process under ``pid`` that runs ``needle`` (a program, or a module after -m)."""
    children: dict[int, list[int]] = {}
    programs: dict[int, list[str]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
                argv = (entry / "cmdline").read_bytes().decode("utf-8", "replace").split("\0")
            except OSError:
                continue
            children.setdefault(int(stat[stat.rfind(")") + 2 :].split()[1]), []).append(int(entry.name))
            programs[int(entry.name)] = argv
    todo = list(children.get(pid, []))
    while todo:
        current = todo.pop(0)
        argv = programs.get(current, [""])
        if argv[0].endswith(needle) or (len(argv) > 2 and argv[1] == "-m" and argv[2] == needle):
            return current
        todo += children.get(current, [])
    raise AssertionError(f"nothing under {pid} runs {needle}")


def pages_written(book: Path) -> bool:
    return any((book / "_build" / "html").glob("*/*.html"))


def test_make_html_stopped_in_every_way_then_the_next_build_passes(copy: Path) -> None:
    """A clean ``make html``, started as a terminal starts it (a process group of its
    own), stopped again and again: by volleys of signals to the group at three moments,
    by one SIGTERM to the group (make passes it on: the driver gets two), and by SIGTERM
    to the driver alone (``kill PID``: its Sphinx builds and listings get no signal).
    Each time everything is gone within the allowance; then a build passes."""
    steps = [
        ("its handlers are installed", VOLLEYS[0], lambda proc: handlers_installed(proc.pid, "bilingual.build")),
        ("its listings run", VOLLEYS[5], lambda proc: listings(copy)),
        ("its pages are written", Volley((TERM,), ()), lambda proc: pages_written(copy)),
    ]
    for moment, volley, ready in steps:
        proc = subprocess.Popen(make("html"), cwd=copy, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                start_new_session=True)
        try:
            wait_for(lambda: ready(proc) or proc.poll() is not None, 300, f"make html: {moment}")
            assert proc.poll() is None, f"make html ended before {moment}"
            took, output = stop(proc, volley, copy)
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
        lines = assert_stopped_once(output, volley)
        print(f"make html, {volley} when {moment}: everything gone {took:.2f} s after the first signal")
        assert took < STOPPED_WITHIN, (moment, str(volley), took, output[-3000:])
        assert any(line.startswith("make html: interrupted by") for line in lines), (moment, str(volley), output[-3000:])
        assert processes_under(copy) == [], (moment, str(volley))

    proc = subprocess.Popen(make("html"), cwd=copy, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    try:
        wait_for(lambda: listings(copy), 300, "listings of a clean build")
        sent = time.monotonic()
        # `kill PID` of the driver, twice, as make passes on a SIGTERM its group got.
        driver = descendant(proc.pid, "bilingual.build")
        os.kill(driver, signal.SIGTERM)
        os.kill(driver, signal.SIGTERM)
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    took = time.monotonic() - sent
    assert took < STOPPED_WITHIN, (took, err[-3000:])
    assert "make html: interrupted by SIGTERM while building the 한국어 (ko) and English (en) editions" in err
    assert err.count("make html: interrupted by") == 1, err[-3000:]
    time.sleep(0.2)
    assert processes_under(copy) == []
    again = subprocess.run(make("html"), cwd=copy, capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stdout[-3000:] + again.stderr[-3000:]
    assert not list((copy / "_build" / "html").rglob("*.tmp")), "a page was left half-replaced"


def serving(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/index.html", timeout=2):
            return True
    except OSError:
        return False


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def whole_page(port: int, name: str = "control.html") -> str:
    """The page as served; a page cut short (IncompleteRead) or without its end fails."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/{name}", timeout=10) as response:
        page = response.read().decode("utf-8")
    assert "</html>" in page, f"{name} was sent cut ({len(page)} characters)"
    return page


def livehtml(copy: Path, port: int, background: bool = False) -> subprocess.Popen[str]:
    """``make livehtml`` in a process group of its own; ``background``: started by a
    script as a background job, which leaves SIGINT ignored."""
    return subprocess.Popen(make("livehtml", f"PORT={port}"), cwd=copy, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True,
                            preexec_fn=(lambda: signal.signal(signal.SIGINT, signal.SIG_IGN)) if background else None)


def test_livehtml_stopped_in_every_way_then_the_next_preview_serves(copy: Path) -> None:
    """``make livehtml`` stopped: as a background job (SIGINT ignored) by SIGINT and, a
    second later, SIGTERM to its process group (the issue's hang); by a volley during
    its first build; by a volley while a rebuild runs listings (every page read meanwhile
    is whole); by SIGTERM to the preview alone, twice, during a rebuild.  Each time it is
    gone with everything it started within the allowance; then a preview serves the
    book with no mark, and Ctrl-C stops it."""
    gather = copy / "snippets" / "asyncio_gather.py"
    original = gather.read_text()

    def finish(proc: subprocess.Popen[str], what: str, stopping: Callable[[], tuple[float, str]]) -> str:
        try:
            took, output = stopping()
        finally:
            gather.write_text(original)
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
        print(f"make livehtml, {what}: everything gone {took:.2f} s after the signal")
        assert took < STOPPED_WITHIN, (what, took, output[-3000:])
        assert processes_under(copy) == [], what
        return output

    # 1. The issue: a background job, SIGINT (ignored), then SIGTERM to make's group.
    port = free_port()
    proc = livehtml(copy, port, background=True)
    wait_for(lambda: serving(port), 300, "the preview")
    os.killpg(proc.pid, signal.SIGINT)
    time.sleep(1.0)
    assert proc.poll() is None, "SIGINT stopped a background job that inherited it ignored"
    output = finish(proc, "SIGINT, then SIGTERM", lambda: stop(proc, Volley((TERM,), ()), copy))
    assert output.count("make livehtml: interrupted by SIGTERM") == 1, output[-3000:]

    # 2. A volley during the first build (incremental here: the last one ended serving).
    port = free_port()
    proc = livehtml(copy, port)
    wait_for(lambda: handlers_installed(proc.pid, "outputcheck.live"), 120, "the preview's handlers")
    output = finish(proc, "a volley while it starts", lambda: stop(proc, VOLLEYS[4], copy))
    assert_stopped_once(output, VOLLEYS[4])

    # 3. A volley while a rebuild runs listings; every page read meanwhile is whole.
    port = free_port()
    proc = livehtml(copy, port)
    wait_for(lambda: serving(port), 300, "the preview")
    gather.write_text(original + "\n")
    reads = 0
    deadline = time.monotonic() + 120
    while not listings(copy):
        whole_page(port)
        reads += 1
        assert time.monotonic() < deadline, "the rebuild's listings never ran"
    output = finish(proc, "a volley during a rebuild", lambda: stop(proc, VOLLEYS[6], copy))
    assert_stopped_once(output, VOLLEYS[6])
    assert reads > 0

    # 4. SIGTERM to the preview alone, twice at once, while a rebuild runs listings.
    port = free_port()
    proc = livehtml(copy, port)
    wait_for(lambda: serving(port), 300, "the preview")
    gather.write_text(original + "\n")
    wait_for(lambda: listings(copy), 60, "the rebuild's listings")

    def twice() -> tuple[float, str]:
        sent = time.monotonic()
        live = descendant(proc.pid, "outputcheck.live")
        os.kill(live, signal.SIGTERM)
        os.kill(live, signal.SIGTERM)
        out, _ = proc.communicate(timeout=30)
        while processes_under(copy) and time.monotonic() - sent < STOPPED_WITHIN:
            time.sleep(0.02)
        return time.monotonic() - sent, out

    output = finish(proc, "SIGTERM twice to the preview alone", twice)
    assert output.count("make livehtml: interrupted by SIGTERM") == 1, output[-3000:]

    # The next preview serves the book, whole and unmarked, and Ctrl-C stops it.
    port = free_port()
    proc = livehtml(copy, port)
    wait_for(lambda: serving(port), 300, "the preview after the interrupted ones")
    page = whole_page(port)
    assert "asyncio_gather.py" in page and 'class="outputcheck-mark"' not in page
    output = finish(proc, "Ctrl-C", lambda: stop(proc, Volley((INT,), ()), copy))
    assert output.count("make livehtml: interrupted by SIGINT (Ctrl-C)") == 1, output[-3000:]
