"""A run is served from the cache only while everything it depends on is unchanged: the
listing, the modules it imports, the data files it names, and for an instrumented run the
tracer loaded from outside it."""

from __future__ import annotations

import sys
from pathlib import Path

from outputcheck.running.cache import ResultCache
from outputcheck.running.imports import local_sources
from outputcheck.running.runner import RunSpec


def _snippets(tmp_path: Path) -> Path:
    folder = tmp_path / "snippets"
    folder.mkdir()
    (folder / "reader.py").write_text(
        'import helper\nprint(open("fruits.txt").read(), helper.NAME)\n'
        'print("not a file name, just words.txt maybe")\n'
    )
    (folder / "helper.py").write_text('NAME = "x"\ncert = "server.crt"\n')
    (folder / "fruits.txt").write_text("apple\n")
    (folder / "server.crt").write_text("---\n")
    (folder / "unrelated.txt").write_text("nobody names me\n")
    return folder


def test_data_files_named_by_a_listing_or_its_modules_are_its_sources(tmp_path: Path) -> None:
    folder = _snippets(tmp_path)
    names = [p.name for p in local_sources(folder / "reader.py")]
    assert names == ["fruits.txt", "helper.py", "reader.py", "server.crt"]


def test_editing_a_named_data_file_changes_the_key(tmp_path: Path) -> None:
    folder = _snippets(tmp_path)
    cache = ResultCache(tmp_path / "cache")
    spec = RunSpec("reader")
    before = cache.key(spec, folder, sys.executable, {})
    (folder / "unrelated.txt").write_text("still nobody's\n")
    assert cache.key(spec, folder, sys.executable, {}) == before
    (folder / "fruits.txt").write_text("banana\n")
    assert cache.key(spec, folder, sys.executable, {}) != before


def test_editing_the_tracer_changes_only_instrumented_keys(tmp_path: Path) -> None:
    folder = _snippets(tmp_path)
    site = tmp_path / "timeline" / "site"
    site.mkdir(parents=True)
    (site / "sitecustomize.py").write_text("# loads ../tracer.py\n")
    (site.parent / "tracer.py").write_text("VERSION = 1\n")
    cache = ResultCache(tmp_path / "cache")
    plain, traced = RunSpec("reader"), RunSpec("reader", trace=True)
    env_traced = {"PYTHONPATH": str(site)}
    keys = (cache.key(plain, folder, sys.executable, {}), cache.key(traced, folder, sys.executable, env_traced))
    (site.parent / "tracer.py").write_text("VERSION = 2\n")
    assert cache.key(plain, folder, sys.executable, {}) == keys[0]
    assert cache.key(traced, folder, sys.executable, env_traced) != keys[1]
