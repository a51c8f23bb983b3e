"""``make bench`` (part): how soon Ctrl-C stops a clean ``make html``, everything included.

The promise: on SIGINT or SIGTERM the command stops every process it started, and
every session those created, within 2 s.  Tests check it with a wide margin (the
machine is shared); here it is measured.  On a private copy of the book, each round
starts a clean ``make html`` in a process group of its own, waits until listings run,
waits a little more (a different moment each round), signals it as a terminal or
``kill`` would, and measures two times from the signal: until ``make`` has exited,
and until no process works in the copy any more (read from ``/proc``).  Then one more
``make html`` must pass.  Results go to ``bench/INTERRUPTS.md``.

It is itself a command that starts processes (each ``make html`` in a session of its
own, so the signals it sends reach nothing else), so it runs in ``make bench``'s frame
(:func:`common.run_command`): a signal to it stops all of them and it exits with 130 or
143, its report not rewritten.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, Children, copy_book, run_command  # noqa: E402

TARGET = 2.0
children = Children()
where = ["the start of the interrupt measurements"]


def under(folder: Path) -> list[int]:
    """Processes working in ``folder`` or naming it on their command line."""
    inside = str(folder.resolve())
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cwd = os.readlink(entry / "cwd")
            cmdline = (entry / "cmdline").read_bytes().decode("utf-8", "replace")
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z" and (cwd.startswith(inside) or inside in cmdline):
            found.append(int(entry.name))
    return found


def listings_running(book: Path) -> bool:
    return any(
        b"asyncio_" in Path(f"/proc/{pid}/cmdline").read_bytes()
        for pid in under(book / "snippets")
        if Path(f"/proc/{pid}/cmdline").exists()
    )


def one_round(book: Path, sig: int, delay: float) -> tuple[float, float, str]:
    if children.run(["make", "clean"], cwd=book).returncode != 0:
        raise SystemExit(f"bench: make clean failed in {book}")
    proc = children.start(["make", "html"], cwd=book, stdout=subprocess.PIPE)  # a session (process group) of its own
    deadline = time.monotonic() + 120
    while not listings_running(book) and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(delay)
    sent = time.monotonic()
    os.killpg(proc.pid, sig)
    try:
        out, _ = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        raise SystemExit(f"bench: make html did not end within 60 s of {signal.Signals(sig).name}") from None
    exited = time.monotonic() - sent
    children.started.remove(proc)
    while under(book) and time.monotonic() - sent < 30:
        time.sleep(0.01)
    gone = time.monotonic() - sent
    err = out.decode("utf-8", "replace")
    line = next((x for x in reversed(err.splitlines()) if "interrupted by" in x), "(no line)")
    return exited, gone, line


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=6)
    args = parser.parse_args()
    return run_command("bench", children, where, lambda tmp: measure(args, tmp))


def measure(args: argparse.Namespace, tmp: Path) -> int:
    rows = []
    book = copy_book(tmp / "book", with_make=True)
    where[0] = "the interrupt measurements (make venv in the copy)"
    if children.run(["make", "venv"], cwd=book).returncode != 0:
        raise SystemExit(f"bench: make venv failed in {book}")
    for i in range(args.rounds):
        where[0] = f"the interrupt measurements, round {i + 1}/{args.rounds}"
        sig = signal.SIGINT if i % 2 == 0 else signal.SIGTERM
        delay = 0.25 * i
        exited, gone, line = one_round(book, sig, delay)
        rows.append((sig.name, delay, exited, gone, line))
        print(f"interrupts: {sig.name} {delay:.2f} s into the listings: make exited after {exited:.2f} s, "
              f"every process gone after {gone:.2f} s", flush=True)
    where[0] = "the interrupt measurements (the make html after them)"
    again = children.run(["make", "html"], cwd=book)
    gone_all = [r[3] for r in rows]
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# Interrupts",
        "",
        f"Measured by `make bench` on {now}: {platform.node()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}. A clean `make html` of a private copy of the book, signalled "
        f"(the whole process group, as a terminal does) while its listings run, at a later moment each round.",
        "",
        "| signal | after the first listing started | make exited | every process gone | the line it printed |",
        "| --- | ---: | ---: | ---: | --- |",
    ]
    lines += [f"| {s} | {d:.2f} s | {e:.2f} s | {g:.2f} s | `{line}` |" for s, d, e, g, line in rows]
    met = max(gone_all) <= TARGET
    lines += [
        "",
        f"Every process gone: median {statistics.median(gone_all):.2f} s, longest {max(gone_all):.2f} s "
        f"(target {TARGET:g} s: {'met' if met else '**not met**'}). The next `make html` "
        f"{'passed' if again.returncode == 0 else '**failed**'}.",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    (ROOT / "bench" / "INTERRUPTS.md").write_text(text)
    return 0 if met and again.returncode == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
