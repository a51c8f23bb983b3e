"""Interrupts of the book's own commands, on a private copy of the real book:
``make html`` stopped by SIGTERM to its driver alone, ``make livehtml`` stopped while a
rebuild runs listings.  Nothing may be left, and the next build passes."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from booktools import copy_of_the_book, make, processes_under, wait_for


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


def test_sigterm_to_the_build_driver_alone_stops_both_editions_and_every_listing(copy: Path) -> None:
    proc = subprocess.Popen(make("html"), cwd=copy, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    try:
        wait_for(lambda: listings(copy), 120, "listings of a clean build")
        sent = time.monotonic()
        # `kill PID` of the driver: its Sphinx builds and their listings get no signal.
        os.kill(descendant(proc.pid, "bilingual.build"), signal.SIGTERM)
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    took = time.monotonic() - sent
    assert took < 2.0, (took, err[-3000:])
    assert "make html: interrupted by SIGTERM while building the 한국어 (ko) and English (en) editions" in err
    time.sleep(0.2)
    assert processes_under(copy) == []
    again = subprocess.run(make("html"), cwd=copy, capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stdout[-3000:] + again.stderr[-3000:]


def test_livehtml_stops_a_rebuild_and_its_listings(copy: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(make("livehtml", f"PORT={port}"), cwd=copy, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)

    def serving() -> bool:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/index.html", timeout=2):
                return True
        except OSError:
            return False

    try:
        wait_for(serving, 300, "the preview")
        gather = copy / "snippets" / "asyncio_gather.py"
        gather.write_text(gather.read_text() + "\n")
        wait_for(lambda: listings(copy), 60, "the rebuild's listings")
        sent = time.monotonic()
        os.kill(descendant(proc.pid, "outputcheck.live"), signal.SIGTERM)
        out, _ = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert time.monotonic() - sent < 2.0
    assert "make livehtml: interrupted by SIGTERM" in out
    time.sleep(0.2)
    assert processes_under(copy) == []
