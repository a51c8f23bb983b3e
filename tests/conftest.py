"""Shared fixtures: a small throwaway book (see booktools.py), and the rule that no test
leaves a process behind."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from booktools import Book, processes_under

pytest_plugins = ["sphinx.testing.fixtures", "pytester"]


@pytest.fixture
def book(tmp_path: Path) -> Book:
    return Book(tmp_path / "book")


@pytest.fixture(autouse=True)
def nothing_left_behind(request: pytest.FixtureRequest) -> Iterator[None]:
    """After every test with a temporary folder: no process works in it or names it
    (read from /proc), 2 s after the test ended at the latest."""
    # Asked for before the test runs, so the folder outlives this check.
    folder = request.getfixturevalue("tmp_path") if "tmp_path" in request.fixturenames else None
    yield
    if folder is None:
        return
    deadline = time.monotonic() + 2.0
    while (left := processes_under(folder)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not left, f"processes left behind by the test: {left}"
