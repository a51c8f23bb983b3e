"""``make soak``: is any listing flaky?

Runs the full verification of every output block of the book, with no cache, many
times in a row (100 by default), then again while two processes burn both CPU cores
(20 by default), and prints mismatches and timeouts per listing.  The target is zero.
A timing-sensitive listing must be fixed or its variation declared honestly in its
block; a comparison that guards a real line is never loosened to make this pass.
The summary is written to ``bench/SOAK.md``.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import datetime
import multiprocessing
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from outputcheck.check import judge, run_blocks  # noqa: E402
from outputcheck.config import load  # noqa: E402
from outputcheck.pages import collect  # noqa: E402


def burn(stop_at: float) -> None:
    x = 0
    while time.monotonic() < stop_at:
        x = (x * 31 + 7) % 1_000_003


def soak(rounds: int, label: str, failures: collections.Counter, timeouts: collections.Counter, examples: dict) -> float:
    project = load(ROOT)
    blocks, broken = collect(project.pages, project.root)
    if broken:
        raise SystemExit(f"soak: broken blocks: {broken}")
    settings = project.settings(use_cache=False)
    started = time.monotonic()
    for i in range(rounds):
        batch = asyncio.run(run_blocks(blocks, settings))
        for verdict in judge(blocks, batch, settings):
            if verdict.ok:
                continue
            key = f"{verdict.block.location} {verdict.block.spec.label}"
            if verdict.result.timed_out:
                timeouts[(label, key)] += 1
            else:
                failures[(label, key)] += 1
            examples.setdefault(key, verdict.report())
        print(f"soak [{label}] round {i + 1}/{rounds}: {sum(failures.values())} mismatches, "
              f"{sum(timeouts.values())} timeouts so far", flush=True)
    return time.monotonic() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=100)
    parser.add_argument("--loaded-rounds", type=int, default=20)
    args = parser.parse_args()
    failures: collections.Counter = collections.Counter()
    timeouts: collections.Counter = collections.Counter()
    examples: dict[str, str] = {}
    quiet = soak(args.rounds, "idle", failures, timeouts, examples)
    burners = [multiprocessing.Process(target=burn, args=(time.monotonic() + 3600,), daemon=True) for _ in range(os.cpu_count() or 2)]
    for b in burners:
        b.start()
    try:
        loaded = soak(args.loaded_rounds, "loaded", failures, timeouts, examples)
    finally:
        for b in burners:
            b.terminate()
            b.join()
    every = collect(load(ROOT).pages, ROOT)[0]
    blocks = len(every)
    traced = sum(1 for b in every if b.spec.trace)
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# Soak",
        "",
        f"`make soak` on {now}: {platform.node()}, {os.cpu_count()} cores, Python {platform.python_version()}. "
        f"Every check of the book ({blocks - traced} output blocks and the {traced} instrumented runs behind "
        f"the timelines) verified with no cache: {args.rounds} rounds in a row "
        f"({quiet:.0f} s), then {args.loaded_rounds} rounds with {len(burners)} processes burning the CPU cores ({loaded:.0f} s).",
        "",
        "| run | rounds | block checks | mismatches | timeouts |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for label, rounds in (("idle", args.rounds), ("loaded", args.loaded_rounds)):
        m = sum(v for (lab, _), v in failures.items() if lab == label)
        t = sum(v for (lab, _), v in timeouts.items() if lab == label)
        lines.append(f"| {label} | {rounds} | {rounds * blocks} | {m} | {t} |")
    if failures or timeouts:
        lines += ["", "## Per listing", "", "| run | block | mismatches | timeouts |", "| --- | --- | ---: | ---: |"]
        for (label, key) in sorted(set(failures) | set(timeouts)):
            lines.append(f"| {label} | {key} | {failures[(label, key)]} | {timeouts[(label, key)]} |")
        lines += ["", "## First report of each", ""]
        for key, report in examples.items():
            lines += ["```text", report, "```", ""]
    text = "\n".join(lines) + "\n"
    print(text)
    (ROOT / "bench" / "SOAK.md").write_text(text)
    return 1 if failures or timeouts else 0


if __name__ == "__main__":
    sys.exit(main())
