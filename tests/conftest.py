"""Shared fixtures: a small throwaway book (see booktools.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from booktools import Book

pytest_plugins = ["sphinx.testing.fixtures", "pytester"]


@pytest.fixture
def book(tmp_path: Path) -> Book:
    return Book(tmp_path / "book")
