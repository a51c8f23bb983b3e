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

from .running import interrupts
from .verbs import update
from .verbs.check import check_blocks
from .verbs.config import Project, load
from .verbs.matrix import run_matrix
from .reading.pages import collect


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m outputcheck", description=__doc__.split("\n\n")[0])
    parser.add_argument("mode", choices=["check", "update", "matrix"])
    parser.add_argument("--project", type=Path, default=Path.cwd(), help="project folder (default: here)")
    parser.add_argument("--no-cache", action="store_true", help="run every snippet, ignore cached runs")
    parser.add_argument(
        "--runs", type=int, default=update.CONFIRMING_RUNS,
        help=f"update: fresh runs that must agree before a block is written (default {update.CONFIRMING_RUNS})",
    )
    parser.add_argument(
        update.WRITE_FULLEST, action="store_true",
        help="update: where a block's runs agree but show different numbers of optional lines (a racy listing), "
             "write the run with the most instead of refusing it (make update-outputs UPDATE_ARGS=--write-fullest)",
    )
    args = parser.parse_args(argv)
    interrupts.install(f"make {'update-outputs' if args.mode == 'update' else args.mode}")
    interrupts.set_phase("reading the pages")

    project = load(args.project)
    blocks, broken = collect(project.pages, project.root)
    for b in broken:
        print(f"{b.location}: {b.message}", file=sys.stderr)
    if args.mode == "matrix":
        return matrix_main(project, blocks, broken, use_cache=not args.no_cache)
    settings = project.settings(use_cache=not args.no_cache)
    interrupts.set_phase(f"running the listings of {len(blocks)} output blocks")
    verdicts, batch = check_blocks(blocks, settings)
    flaky = sum(1 for v in verdicts if v.flaky)
    print(f"outputcheck: {len(blocks)} output blocks; {batch.summary()}; {flaky} flaky")
    failed = [v for v in verdicts if not v.ok]
    refused: list[update.Refused] = []
    if args.mode == "update":
        confirmed, refused = update.confirm(failed, settings, runs=max(1, args.runs), write_fullest=args.write_fullest)
        for fact in update.unannounced_host_facts(confirmed):
            print(f"host fact: {fact}", file=sys.stderr)
        written = update.apply(confirmed, project.root)
        for v in written:
            print(f"updated {v.block.location} [{v.block.command.removeprefix('$ ')}] ({args.runs} fresh runs agreed)")
            if v.update_note:
                print(f"  {v.update_note}")
        done = {(v.block.page, v.block.line) for v in written} | {(r.verdict.block.page, r.verdict.block.line) for r in refused}
        failed = [v for v in failed if (v.block.page, v.block.line) not in done]
        if not written and not refused:
            print("outputcheck: every block already matches its run; nothing to update")
    for r in refused:
        print(r.report(), file=sys.stderr)
    for v in failed:
        print(v.report() if v.fails else f"warning: {v.report()}", file=sys.stderr)
    fatal = [v for v in failed if v.fails]
    if fatal or broken or refused:
        print(
            f"outputcheck: {len(fatal) + len(broken) + len(refused)} block(s) need attention (see above)",
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
