"""Interrupts of ``make soak`` and ``make bench``, on a private copy of the book and its
bench: SIGINT, SIGTERM or a volley of them (to make's process group too, which passes
SIGTERM on) while listings, a concurrent build, CPU burners or Chromium run.  The command exits at once with 130 or 143 and one line saying where it was;
nothing it started is left (read from /proc) and its report is not rewritten."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from booktools import STOPPED_WITHIN, copy_of_the_book, make, processes_under, wait_for
from signalling import TERM, VOLLEYS, Volley, assert_stopped_once

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"


class Command:
    """A bench script (or ``make`` running one: ``script`` "make") started as a terminal
    would start it (its own process group), its output collected line by line."""

    def __init__(self, book: Path, tmp: Path, script: str, *args: str) -> None:
        self.lines: list[str] = []
        self.folders = (book, tmp)
        python = str(PYTHON if PYTHON.exists() else sys.executable)
        self.proc = subprocess.Popen(
            make(*args) if script == "make" else [python, f"bench/{script}", *args],
            cwd=book,
            env=dict(os.environ, TMPDIR=str(tmp)),  # its copies, and Chromium's profile, live in tmp
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        self.reader = threading.Thread(target=lambda: self.lines.extend(self.proc.stdout), daemon=True)
        self.reader.start()

    def printed(self, text: str) -> bool:
        return any(text in line for line in list(self.lines))

    def wait_until_printed(self, text: str, timeout: float) -> None:
        """Wait for a line with ``text``; fail with what the command printed instead."""
        try:
            wait_for(lambda: self.printed(text) or self.proc.poll() is not None, timeout, repr(text))
        finally:
            assert self.printed(text), f"no line with {text!r}; exit {self.proc.poll()}; it printed:\n{self.output[-3000:]}"

    def interrupt(self, sig: int) -> float:
        """``sig`` to the whole process group (as the terminal sends Ctrl-C); the seconds
        until the command exited."""
        sent = time.monotonic()
        os.killpg(self.proc.pid, sig)
        self.proc.wait(timeout=30)
        took = time.monotonic() - sent
        self.reader.join(5)
        return took

    def volley(self, volley: Volley) -> float:
        """``volley`` to the whole process group; the seconds until the command had
        exited and nothing it started was left in its folders."""
        sent = volley.send(self.proc.pid)
        self.proc.wait(timeout=30)
        self.reader.join(5)
        while left_behind(*self.folders, pause=0) and time.monotonic() - sent < STOPPED_WITHIN:
            time.sleep(0.02)
        return time.monotonic() - sent

    def __enter__(self) -> Command:
        return self

    def __exit__(self, *exc: object) -> None:
        """However the test went, the command does not outlive it."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    @property
    def output(self) -> str:
        return "".join(self.lines)


@pytest.fixture
def book(tmp_path: Path) -> Path:
    book = copy_of_the_book(tmp_path / "book")
    shutil.copytree(ROOT / "bench", book / "bench", ignore=shutil.ignore_patterns("__pycache__"))
    (book / ".venv").symlink_to(ROOT / ".venv")
    return book


@pytest.fixture
def tmp() -> Iterator[Path]:
    """The command's TMPDIR: short, as Chromium's singleton socket path must be."""
    folder = Path(tempfile.mkdtemp(prefix="bench-test-", dir="/tmp"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def left_behind(*folders: Path, pause: float = 0.2) -> list[str]:
    time.sleep(pause)
    return [p for folder in folders for p in processes_under(folder)]


@pytest.mark.parametrize("volley", [VOLLEYS[0], VOLLEYS[5]], ids=str)
def test_soak_interrupted_while_listings_run(book: Path, tmp_path: Path, tmp: Path, volley: Volley) -> None:
    """A volley of signals (Ctrl-C twice, Ctrl-C then kill ...): one shutdown."""
    report = (book / "bench" / "SOAK.md").read_bytes()
    with Command(book, tmp, "soak.py", "--rounds", "100", "--loaded-rounds", "0",
                 "--heavy-rounds", "0", "--only", "asyncio_gather,asyncio_call_at") as soak:
        soak.wait_until_printed("soak [idle] round 1/100", 120)
        time.sleep(random.uniform(0.2, 1.5))  # inside the second round: its listings run
        assert [p for p in processes_under(tmp) if "asyncio_" in p], "no listing was running"
        took = soak.volley(volley)
    lines = assert_stopped_once(soak.output, volley)
    assert len(lines) == 1 and soak.proc.returncode == 128 + signal.Signals[lines[0].split()[3]], soak.output[-3000:]
    assert took < STOPPED_WITHIN, (took, soak.output[-3000:])
    assert " during the idle scenario, round 2/100" in lines[0], lines
    assert left_behind(tmp, tmp_path) == []
    assert (book / "bench" / "SOAK.md").read_bytes() == report


def test_make_soak_stopped_by_sigterm_to_makes_process_group(book: Path, tmp_path: Path, tmp: Path) -> None:
    """A CI runner cancels ``make soak``: SIGTERM to make's group, which make passes on."""
    report = (book / "bench" / "SOAK.md").read_bytes()
    args = "--rounds 100 --loaded-rounds 0 --heavy-rounds 0 --only asyncio_gather"
    with Command(book, tmp, "make", "soak", f"SOAK_ARGS={args}") as soak:
        soak.wait_until_printed("soak [idle] round 1/100", 120)
        took = soak.volley(Volley((TERM,), ()))
    assert took < STOPPED_WITHIN, (took, soak.output[-3000:])
    assert soak.output.count("soak: interrupted by SIGTERM during the idle scenario, round 2/100") == 1, soak.output[-3000:]
    assert left_behind(tmp, tmp_path) == []
    assert (book / "bench" / "SOAK.md").read_bytes() == report


@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="the heavy scenario renders the book in Debian's chromium")
def test_soak_interrupted_under_the_heavy_load(book: Path, tmp_path: Path, tmp: Path) -> None:
    """Burners, a looping clean build and Chromium (which Playwright starts in a session
    of its own): all of it goes with the soak."""
    report = (book / "bench" / "SOAK.md").read_bytes()
    with Command(book, tmp, "soak.py", "--rounds", "0", "--loaded-rounds", "0",
                 "--heavy-rounds", "50", "--only", "asyncio_gather") as soak:
        soak.wait_until_printed("soak [heavy] round 1/50", 300)
        running = processes_under(tmp) + processes_under(tmp_path)
        assert any("chromium" in p for p in running), running
        assert any("load.py burn" in p for p in running), running
        took = soak.interrupt(signal.SIGINT)
    assert soak.proc.returncode == 130, soak.output[-3000:]
    assert took < STOPPED_WITHIN, (took, soak.output[-3000:])
    assert "soak: interrupted by SIGINT during the heavy scenario, round 2/50" in soak.output
    assert left_behind(tmp, tmp_path) == []
    assert (book / "bench" / "SOAK.md").read_bytes() == report


def test_make_bench_interrupted_during_a_clean_build(book: Path, tmp_path: Path, tmp: Path) -> None:
    """``make bench`` cancelled by SIGTERM to make's group (make passes it on) while a
    clean build runs its listings: the bench stops once, nothing left."""
    report = (book / "bench" / "RESULTS.md").read_bytes()
    with Command(book, tmp, "make", "bench", "BENCH_ARGS=--runs 1") as bench:
        bench.wait_until_printed("bench: this book (clean, no-op, one snippet edited)", 300)
        wait_for(lambda: [p for p in processes_under(tmp) if "asyncio_" in p], 60, "a build's listings")
        took = bench.volley(Volley((TERM,), ()))
    assert bench.proc.returncode != 0, bench.output[-3000:]
    assert took < STOPPED_WITHIN, (took, bench.output[-3000:])
    line = "bench: interrupted by SIGTERM during this book (clean, no-op, one snippet edited)"
    assert bench.output.count(line) == 1, bench.output[-3000:]
    assert left_behind(tmp, tmp_path) == []
    assert (book / "bench" / "RESULTS.md").read_bytes() == report


def test_the_bench_of_interrupts_stops_its_own_make_html(book: Path, tmp_path: Path, tmp: Path) -> None:
    """``bench/interrupts.py`` (the part of ``make bench`` that measures interrupts) runs
    ``make html`` in sessions of its own: a volley to the bench stops those too."""
    report = (book / "bench" / "INTERRUPTS.md").read_bytes()
    with Command(book, tmp, "interrupts.py", "--rounds", "2") as bench:
        wait_for(lambda: [p for p in processes_under(tmp) if "asyncio_" in p] or bench.proc.poll() is not None,
                 300, "the listings of its make html")
        took = bench.volley(VOLLEYS[7])
    lines = assert_stopped_once(bench.output, VOLLEYS[7])
    assert [line for line in lines if line.startswith("bench: interrupted by ")], bench.output[-3000:]
    assert "during the interrupt measurements, round " in bench.output, bench.output[-3000:]
    assert bench.proc.returncode in (130, 143), bench.output[-3000:]
    assert took < STOPPED_WITHIN, (took, bench.output[-3000:])
    assert left_behind(tmp, tmp_path) == []
    assert (book / "bench" / "INTERRUPTS.md").read_bytes() == report


def test_the_live_preview_soak_stops_its_preview_and_its_load(book: Path, tmp_path: Path, tmp: Path) -> None:
    """``bench/livesoak.py`` (the live-preview part of ``make soak``) runs ``make
    livehtml`` in a process group of its own beside CPU burners: a volley to the soak
    stops all of it, and its report is not rewritten."""
    report = (book / "bench" / "SOAK.md").read_bytes()
    with Command(book, tmp, "livesoak.py", "--cycles", "50") as soak:
        soak.wait_until_printed("livesoak: cycle 1/50", 300)
        wait_for(lambda: any("outputcheck.live" in p for p in processes_under(tmp)), 60, "the next preview")
        took = soak.volley(VOLLEYS[1])
    lines = assert_stopped_once(soak.output, VOLLEYS[1])
    assert [line for line in lines if line.startswith("livesoak: interrupted by ")], soak.output[-3000:]
    assert soak.proc.returncode in (130, 143), soak.output[-3000:]
    assert took < STOPPED_WITHIN, (took, soak.output[-3000:])
    assert left_behind(tmp, tmp_path) == []
    assert (book / "bench" / "SOAK.md").read_bytes() == report
