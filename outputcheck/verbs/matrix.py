"""Verify every output block on every supported Python, and remember where it held.

``make matrix`` runs each block on each interpreter of the project's matrix
(``[tool.outputcheck] matrix``, found on PATH or under pyenv), compares with the same
embedded text (or the block's variant for that version), and writes the result to a
record in the repository.  The build reads the record to show, under each run, the
Pythons its output was proven on.

An entry of the record is keyed on what the block promises (command and text) and
carries a digest of the snippet's files: when either changes the entry is stale, the
page shows only the Python of the current build, and the build says so.  An
interpreter that is not installed is reported and skipped, never a failure; the
entries it proved before stay while they are fresh.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..running import interpreters, interrupts
from ..reading.blocks import OutputBlock
from ..running.cache import source_digest
from .check import Settings, check_blocks
from ..running.files import write_atomic
from ..judging.compare import Verdict

FORMAT = 1


@dataclass
class MatrixReport:
    """What one matrix run found."""

    missing: list[str] = field(default_factory=list)  # interpreters not installed here
    checked: dict[str, str] = field(default_factory=dict)  # python3.N -> full version
    failures: list[tuple[str, Verdict]] = field(default_factory=list)
    passed: int = 0


def load_record(path: Path) -> dict[str, dict]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return {}
    blocks = data.get("blocks", {})
    return blocks if isinstance(blocks, dict) else {}


def fresh_versions(record: dict[str, dict], block: OutputBlock, snippets_dir: Path) -> list[str] | None:
    """Full versions the block was verified on, or None when the record is stale for it."""
    entry = record.get(block.identity)
    if not entry or entry.get("sources") != source_digest(block.spec, snippets_dir):
        return None
    return sorted(entry.get("verified", {}).values(), key=_version_key)


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in version.split(".") if p.isdigit())


def pythons_of(block: OutputBlock, matrix: tuple[str, ...]) -> tuple[str, ...]:
    """Where a block is verified: its :pythons:, else the interpreter its command names
    (``python3.8``), else the project's matrix."""
    if block.pythons:
        return block.pythons
    return matrix if block.spec.python == "python3" else (block.spec.python,)


def run_matrix(
    blocks: list[OutputBlock], settings: Settings, matrix: tuple[str, ...], record_path: Path | None
) -> MatrixReport:
    """Check ``blocks`` on every interpreter; rewrite the record if a path is given.

    Instrumented runs (timelines) are left out: the matrix proves what readers run."""
    blocks = [b for b in blocks if not b.spec.trace]
    report = MatrixReport()
    old = load_record(record_path) if record_path else {}
    new: dict[str, dict] = {}
    names = sorted({name for block in blocks for name in pythons_of(block, matrix)}, key=lambda n: _version_key(n[6:]))
    for name in names:
        python = interpreters.find(name, settings.python)
        if python is None:
            report.missing.append(name)
            continue
        report.checked[name] = interpreters.version(python)
        chosen = [b for b in blocks if name in pythons_of(b, matrix)]
        retargeted = [replace(b, spec=replace(b.spec, python=name)) for b in chosen]
        interrupts.set_phase(f"verifying {len(chosen)} blocks on {name}")
        verdicts, _ = check_blocks(retargeted, settings)
        for original, verdict in zip(chosen, verdicts):
            entry = new.setdefault(
                original.identity,
                {
                    "where": original.location,
                    "command": original.spec.label,
                    "sources": source_digest(original.spec, settings.snippets_dir),
                    "verified": {},
                },
            )
            if verdict.verified:
                entry["verified"][name] = report.checked[name]
                report.passed += 1
            elif not verdict.ok:
                report.failures.append((name, verdict))
    # Keep what a missing interpreter proved before, where it is still fresh.
    for identity, entry in new.items():
        previous = old.get(identity)
        if previous and previous.get("sources") == entry["sources"]:
            for name in report.missing:
                if name in previous.get("verified", {}):
                    entry["verified"][name] = previous["verified"][name]
    if record_path:
        text = json.dumps({"format": FORMAT, "blocks": dict(sorted(new.items()))}, indent=1, sort_keys=True, ensure_ascii=False)
        with interrupts.deferred():
            write_atomic(record_path, (text + "\n").encode("utf-8"))
    return report
