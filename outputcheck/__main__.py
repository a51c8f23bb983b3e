"""Command line: ``python -m outputcheck check | update | matrix``.

``check`` verifies every output block of the book and exits non-zero on any failure;
``update`` rewrites drifted blocks with the captured output (what ``make
update-outputs`` runs); ``matrix`` verifies every block on every supported Python and
rewrites the verification record (``make matrix``).  All print every problem with its
page, line and next step.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import update
from .check import check_blocks
from .config import Project, load
from .matrix import run_matrix
from .pages import collect


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m outputcheck", description=__doc__.split("\n\n")[0])
    parser.add_argument("mode", choices=["check", "update", "matrix"])
    parser.add_argument("--project", type=Path, default=Path.cwd(), help="project folder (default: here)")
    parser.add_argument("--no-cache", action="store_true", help="run every snippet, ignore cached runs")
    args = parser.parse_args(argv)

    project = load(args.project)
    blocks, broken = collect(project.pages, project.root)
    for b in broken:
        print(f"{b.location}: {b.message}", file=sys.stderr)
    if args.mode == "matrix":
        return matrix_main(project, blocks, broken, use_cache=not args.no_cache)
    verdicts, batch = check_blocks(blocks, project.settings(use_cache=not args.no_cache))
    print(f"outputcheck: {len(blocks)} output blocks; {batch.summary()}")
    failed = [v for v in verdicts if not v.ok]
    if args.mode == "update":
        written = update.apply(failed, project.root)
        for v in written:
            print(f"updated {v.block.location} [{v.block.spec.command_line}]")
        failed = [v for v in failed if v not in written]
        if not written:
            print("outputcheck: every block already matches its run; nothing to update")
    for v in failed:
        print(v.report(), file=sys.stderr)
    if failed or broken:
        print(
            f"outputcheck: {len(failed) + len(broken)} block(s) need attention (see above)",
            file=sys.stderr,
        )
        return 1
    return 0


def matrix_main(project: Project, blocks: list, broken: list, use_cache: bool) -> int:
    report = run_matrix(blocks, project.settings(use_cache=use_cache), project.matrix, project.record)
    for name in report.missing:
        print(f"outputcheck matrix: {name} is not installed here; skipped (its earlier results are kept while fresh)")
    for name, version in report.checked.items():
        failed = sum(1 for n, _ in report.failures if n == name)
        print(f"outputcheck matrix: {name} ({version}): {'all blocks verified' if not failed else f'{failed} failed'}")
    for name, verdict in report.failures:
        print(f"[{name}] {verdict.report()}", file=sys.stderr)
    print(f"outputcheck matrix: {report.passed} block runs verified; record written to {project.record.relative_to(project.root)}")
    return 1 if report.failures or broken else 0


if __name__ == "__main__":
    sys.exit(main())
