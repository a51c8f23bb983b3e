"""The pytest side: one test item per output block, collected from the snippet it runs.

``pytest snippets`` (or ``pytest snippets/asyncio_gather.py``) finds, for each snippet
file, the output blocks of the book that run it, and checks them exactly as the Sphinx
build does: same runner, same cache, same comparison, same report.  All selected
snippets run at once when collection ends; each item then only compares.

``--update-outputs`` writes drifted output back into the pages instead of failing (each
drifted listing is run again, fresh, several times first; see :mod:`outputcheck.verbs.update`).
A flaky block (its run failed, a fresh rerun matched) fails under ``CI=true`` and is
otherwise reported as a warning.
"""

from __future__ import annotations

import warnings
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .running import interrupts
from .verbs import update
from .reading.blocks import OutputBlock
from .verbs.check import Settings, check_blocks
from .judging.compare import Verdict
from .verbs.config import Project, load
from .reading.pages import BrokenBlock, collect
from .verbs.matrix import MatrixReport, run_matrix
from .running.runner import Batch


class _State:
    """What the plugin knows in one pytest session."""

    def __init__(self, config: pytest.Config) -> None:
        self.project: Project = load(config.rootpath)
        self.update: bool = config.getoption("update_outputs")
        self.settings: Settings = self.project.settings(use_cache=not config.getoption("no_output_cache"))
        blocks, self.broken = collect(self.project.pages, self.project.root)
        self.by_snippet: dict[str, list[OutputBlock]] = defaultdict(list)
        for block in blocks:
            self.by_snippet[block.shown_snippet].append(block)
        self.batch: Batch | None = None
        self.verdicts: dict[tuple[Path, int, Any], Verdict] = {}
        self.to_write: list[Verdict] = []
        self.written: list[Verdict] = []
        self.refused: list[update.Refused] = []
        self.host_facts: list[update.HostFact] = []
        self.matrix: MatrixReport | None = None
        self.use_matrix: bool = config.getoption("python_matrix")

    def orphans(self) -> list[OutputBlock]:
        """Blocks whose snippet file does not exist (no snippet file collects them)."""
        return [
            b for name, blocks in sorted(self.by_snippet.items())
            if not (self.project.snippets / f"{name}.py").is_file()
            for b in blocks
        ]


_STATE = pytest.StashKey[_State]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("outputcheck", "output blocks of the book")
    group.addoption(
        "--update-outputs",
        action="store_true",
        default=False,
        help="rewrite drifted output blocks in the pages with the captured output",
    )
    group.addoption(
        "--python-matrix",
        action="store_true",
        default=False,
        help="check every block on every Python of [tool.outputcheck] matrix (missing ones are reported)",
    )
    group.addoption(
        "--no-output-cache",
        action="store_true",
        default=False,
        help="run every snippet even when a cached run exists",
    )


def _state(config: pytest.Config) -> _State:
    if _STATE not in config.stash:
        config.stash[_STATE] = _State(config)
    return config.stash[_STATE]


class OutputMismatch(Exception):
    def __init__(self, verdict: Verdict) -> None:
        super().__init__(verdict.problem)
        self.verdict = verdict


class BrokenBlockError(Exception):
    pass


class FlakyOutputWarning(UserWarning):
    """A block whose run failed once and matched in a fresh rerun (fails under CI=true)."""


def _key(block: OutputBlock) -> tuple[Path, int, Any]:
    return (block.page, block.line, block.spec)


class MatrixMismatch(Exception):
    def __init__(self, failures: list[tuple[str, Verdict]]) -> None:
        super().__init__(", ".join(name for name, _ in failures))
        self.failures = failures


class OutputItem(pytest.Item):
    """One output block of one page."""

    def __init__(self, *, block: OutputBlock, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.block = block

    def runtest(self) -> None:
        state = _state(self.config)
        if state.use_matrix:
            if state.matrix is None:
                state.matrix = run_matrix([self.block], state.settings, state.project.matrix, None)
            failures = [(n, v) for n, v in state.matrix.failures if v.block.identity == self.block.identity]
            if failures:
                raise MatrixMismatch(failures)
            return
        verdict = state.verdicts.get(_key(self.block))
        if verdict is None:  # not checked with the others (run alone, or again)
            (verdict,), state.batch = check_blocks([self.block], state.settings)
        if verdict.note:
            pytest.skip(verdict.note)
        if verdict.ok:
            return
        if state.update and verdict.updatable:
            state.to_write.append(verdict)
            return
        if not verdict.fails:
            warnings.warn(FlakyOutputWarning(verdict.report()), stacklevel=1)
            return
        raise OutputMismatch(verdict)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, OutputMismatch):
            return excinfo.value.verdict.report()
        if isinstance(excinfo.value, MatrixMismatch):
            return "\n".join(f"[{name}] {verdict.report()}" for name, verdict in excinfo.value.failures)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, f"{self.block.location} [{self.block.spec.command_line}]"


class BrokenItem(pytest.Item):
    """A block that cannot be checked as written (bad command line, bad option)."""

    def __init__(self, *, broken: BrokenBlock, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.broken = broken

    def runtest(self) -> None:
        raise BrokenBlockError(f"{self.broken.location}: {self.broken.message}")

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        return str(excinfo.value)

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, self.broken.location


class SnippetFile(pytest.File):
    """A snippet; its items are the blocks that run it."""

    def collect(self) -> Iterator[pytest.Item]:
        state = _state(self.config)
        name = self.path.stem
        if name == "__init__":
            # Blocks that no snippet file can collect: broken ones, or a missing snippet.
            for broken in state.broken:
                yield BrokenItem.from_parent(self, name=str(broken.location), broken=broken)
            for block in state.orphans():
                yield OutputItem.from_parent(self, name=f"{block.location}[{block.spec.snippet}]", block=block)
            return
        for block in state.by_snippet.get(name, []):
            suffix = "[instrumented]" if block.spec.trace else ""
            yield OutputItem.from_parent(self, name=f"{block.location}{suffix}", block=block)


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    state = _state(parent.config)
    if file_path.suffix != ".py" or file_path.parent.resolve() != state.project.snippets.resolve():
        return None
    if file_path.stem in state.by_snippet or file_path.name == "__init__.py":
        return SnippetFile.from_parent(parent, path=file_path)
    return None


class _ListingNotImported(pytest.File):
    """What pytest's Python collector would have made of a listing named on the command
    line: nothing.  Importing a listing runs it inside pytest (a server never returns, a
    listing that exits ends the session); its blocks are collected by ``SnippetFile``."""

    def collect(self) -> Iterator[pytest.Item]:
        return iter(())


@pytest.hookimpl(tryfirst=True)
def pytest_pycollect_makemodule(module_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    state = _state(parent.config)
    if module_path.parent.resolve() == state.project.snippets.resolve():
        return _ListingNotImported.from_parent(parent, path=module_path)
    return None


def pytest_collection_finish(session: pytest.Session) -> None:
    """Run every selected snippet at once, before the items compare one by one."""
    blocks = [item.block for item in session.items if isinstance(item, OutputItem)]
    if not blocks:
        return
    state = _state(session.config)
    interrupts.install("pytest snippets")
    interrupts.set_phase(f"running the listings of {len(blocks)} output blocks")
    if state.use_matrix:
        state.matrix = run_matrix(blocks, state.settings, state.project.matrix, None)
        return
    verdicts, state.batch = check_blocks(blocks, state.settings)
    state.verdicts = {_key(v.block): v for v in verdicts}
    interrupts.set_phase("reporting the output blocks")


def pytest_sessionfinish(session: pytest.Session) -> None:
    state = session.config.stash.get(_STATE, None)
    if state and state.to_write:
        interrupts.set_phase("confirming and writing drifted output blocks")
        confirmed, state.refused = update.confirm(state.to_write, state.settings)
        state.host_facts = update.unannounced_host_facts(confirmed)
        state.written = update.apply(confirmed, state.project.root)
        if state.refused:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: Any) -> None:
    state = terminalreporter.config.stash.get(_STATE, None)
    if state and state.matrix is not None:
        for name, version in state.matrix.checked.items():
            terminalreporter.write_line(f"outputcheck matrix: checked on {name} ({version})")
        for name in state.matrix.missing:
            terminalreporter.write_line(f"outputcheck matrix: {name} is not installed here; not checked")
        return
    if not state or state.batch is None:
        return
    flaky = sum(1 for v in state.verdicts.values() if v.flaky)
    terminalreporter.write_line(f"outputcheck: {state.batch.summary()}; {flaky} flaky")
    for verdict in state.written:
        terminalreporter.write_line(f"outputcheck: updated {verdict.block.location} [{verdict.block.command.removeprefix('$ ')}]")
        if verdict.update_note:
            terminalreporter.write_line(f"  {verdict.update_note}")
    for refused in state.refused:
        terminalreporter.write_line(f"outputcheck: {refused.report()}")
    for fact in state.host_facts:
        terminalreporter.write_line(f"outputcheck: host fact: {fact}")
