"""Listings nobody here wrote hold on every run, through documented declarations only.

``tests/corpus/`` holds listings of the sections that follow this chapter in an asyncio
book: a thread pool and a process pool (worker names, pids), subprocesses (pids, a
protocol whose data and exit come in either order), a signal sent to the process
itself, debug mode (slow callbacks, sometimes a slow step), a stream echo server and
client (TCP splits the data), and a df-like table (sizes with units).  Its page declares
what varies.  Every block is run 20 times, all rounds at once on a loaded machine,
with no cache, and every round must pass.
"""

from __future__ import annotations

import asyncio
import os
import re
import sys
from collections import Counter
from pathlib import Path

from outputcheck.verbs.check import Settings, judge, run_blocks
from outputcheck.declaring.hostfacts import host_facts
from outputcheck.reading.pages import collect

CORPUS = Path(__file__).parent / "corpus"
NS_LAST_PID = Path("/proc/sys/kernel/ns_last_pid")
ROUNDS = 20


def test_every_corpus_block_holds_in_every_one_of_20_fresh_rounds() -> None:
    blocks, broken = collect(CORPUS, CORPUS)
    assert not broken, [f"{b.location}: {b.message}" for b in broken]
    kinds = {name for b in blocks for name in ("any", "optional", "joined", "unordered") if getattr(b.vary, name)}
    assert kinds == {"any", "optional", "joined", "unordered"}  # the corpus exercises every new kind
    assert any(b.role == "server" for b in blocks) and any(b.spec.server and b.role == "main" for b in blocks)
    settings = Settings(CORPUS / "snippets", sys.executable, cache_dir=None, timeout=60, jobs=2)

    async def rounds() -> list:
        return await asyncio.gather(*(run_blocks(blocks, settings) for _ in range(ROUNDS)))

    if os.access(NS_LAST_PID, os.W_OK):
        NS_LAST_PID.write_text("9900")  # the pids of the rounds cross from 4 to 5 digits (corpus_pids.py pads them)
    batches = asyncio.run(rounds())
    failures: list[str] = []
    passed: Counter[str] = Counter()
    seen: dict[str, set[str]] = {}
    for number, batch in enumerate(batches, start=1):
        assert batch.ran == len({b.spec for b in blocks})  # nothing came from a cache
        for verdict in judge(blocks, batch, settings):
            seen.setdefault(verdict.block.location, set()).add(verdict.actual)
            if verdict.ok:
                passed[verdict.block.location] += 1
                facts = host_facts(verdict.actual, verdict.block)
                failures += [f"round {number}: {fact}" for fact in facts]
            else:
                failures.append(f"round {number}: {verdict.report()}")
    assert not failures, "\n\n".join(failures)
    assert passed == {b.location: ROUNDS for b in blocks}
    # The runs really differ (pids, timings and splits at least), so the declarations
    # were needed: a corpus that printed the same thing each time would prove nothing.
    varied = {location: len(texts) for location, texts in seen.items()}
    pids = {len(p) for location, texts in seen.items() for t in texts if "corpus_pids" in t for p in re.findall(r"PID +(\d+)", t)}
    print(f"digits of the padded pids in {ROUNDS} rounds: {sorted(pids)}")
    print(f"distinct transcripts in {ROUNDS} rounds, per block: {varied}")
    assert sum(1 for n in varied.values() if n > 1) >= 4, varied


def test_no_corpus_output_shows_a_mount_point_or_disk_of_this_machine() -> None:
    """The df-like listings print generated stores, never this machine's disks: no word of
    an output block is a mount point here (``/``, ``/dev/shm``), and no listing asks the
    system for its disks."""
    mounts = {line.split()[1] for line in Path("/proc/self/mounts").read_text().splitlines() if len(line.split()) > 1}
    assert "/" in mounts
    blocks, _ = collect(CORPUS, CORPUS)
    shown = [(b.location, word) for b in blocks for line in b.text.split("\n")[1:] for word in line.split() if word in mounts]
    assert shown == []
    for listing in (CORPUS / "snippets").glob("*.py"):
        assert not re.search(r"statvfs|disk_usage|\"df\"", listing.read_text()), listing.name
