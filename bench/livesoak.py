"""``make soak`` (part): the live preview started, edited, rebuilt, fixed and stopped, again and again.

Each cycle runs ``make livehtml`` (the book's own Makefile) on a small book of its own
(one page, three listings, one of them running for a while), in a process group of its
own, with CPU burners beside it (one per core).  It waits until the page is served,
breaks a listing so that its block fails, waits until the served page shows the mark,
fixes the listing, waits until the mark is gone.  Every page read meanwhile must come
whole.  At a random moment of that (as soon as the preview takes signals, while it
serves, while a rebuild runs listings), a random volley of one to three signals
(SIGINT and SIGTERM, 0-50 ms apart) goes to the process group, as Ctrl-C or a script
would send it; one cycle in four runs the preview as a script's background job, which
inherits SIGINT ignored, and always sends a SIGTERM too.  Measured from the signal
that stops it: until ``make`` has exited, and until no process works in the book's
folder any more.  The target: every cycle gone within 2 s, nothing left.

The figures become a section of ``bench/SOAK.md`` (replacing an earlier one of the
same title).
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import random
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from common import ROOT, Children, run_command
from interrupts import under

LOAD = Path(__file__).resolve().parent / "load.py"
TARGET = 2.0
TITLE = "Live preview: start, edit, rebuild, fix, stop"
CONF = 'extensions = ["myst_parser", "outputcheck.sphinx_ext"]\nexclude_patterns = ["_build"]\n'
PYPROJECT = '[tool.outputcheck]\npages = "docs"\nsnippets = "snippets"\ncache = "_build/outputcheck-cache"\n'
SLOW = 'import time\n\nprint("begun", flush=True)\ntime.sleep(1.0)\nprint("ended")\n'
PAGE = """# Page

```{listing} hello
```

```{output}
$ python3 hello.py
hello
```

```{output}
$ python3 slow.py
begun
ended
```

```{output}
$ python3 quick.py
quick
```
"""
children = Children()
where = ["the start of the live-preview cycles"]


def small_book(folder: Path) -> Path:
    (folder / "docs").mkdir(parents=True)
    (folder / "snippets").mkdir()
    (folder / "conf.py").write_text(CONF)
    (folder / "pyproject.toml").write_text(PYPROJECT)
    (folder / "docs" / "index.md").write_text("# Book\n\n```{toctree}\npage\n```\n")
    (folder / "docs" / "page.md").write_text(PAGE)
    (folder / "snippets" / "hello.py").write_text('print("hello")\n')
    (folder / "snippets" / "slow.py").write_text(SLOW)
    (folder / "snippets" / "quick.py").write_text('print("quick")\n')
    (folder / "outputcheck").symlink_to(ROOT / "outputcheck")  # make livehtml watches it (and it is the same code)
    return folder


class HalfPage(Exception):
    """The server sent a page cut short."""


def fetch(port: int) -> str:
    """The served page, "" while the server does not answer; :class:`HalfPage` if cut."""
    try:
        response = urllib.request.urlopen(f"http://127.0.0.1:{port}/page.html", timeout=5)
    except OSError:
        return ""
    try:
        with response:
            page = response.read().decode("utf-8")
    except Exception as exc:  # noqa: BLE001 - IncompleteRead, or a reset in the middle
        raise HalfPage(f"{type(exc).__name__}: {exc}") from exc
    if "</html>" not in page:
        raise HalfPage(f"a page of {len(page)} characters without its end")
    return page


def caught(pid: int) -> bool:
    """Whether the preview under make (``pid``) has its handlers installed."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if b"outputcheck.live" not in (entry / "cmdline").read_bytes():
                continue
            stat = (entry / "stat").read_text()
            status = (entry / "status").read_text()
        except OSError:
            continue
        if int(stat[stat.rfind(")") + 2 :].split()[2]) != pid:  # not in this cycle's process group
            continue
        mask = int(next(line for line in status.splitlines() if line.startswith("SigCgt")).split()[1], 16)
        if mask & (1 << (signal.SIGTERM - 1)):
            return True
    return False


def listings_run(book: Path) -> bool:
    return any(b"slow.py" in Path(f"/proc/{pid}/cmdline").read_bytes() for pid in under(book / "snippets")
               if Path(f"/proc/{pid}/cmdline").exists())


def one_cycle(book: Path, log: Path, rng: random.Random, n: int, half: list[str]) -> dict[str, object]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    background = n % 4 == 3
    count = rng.choice([1, 2, 2, 3])
    signals = [rng.choice([signal.SIGINT, signal.SIGTERM]) for _ in range(count)]
    if background and signal.SIGTERM not in signals:
        signals[-1] = signal.SIGTERM
    gaps = [rng.uniform(0, 0.05) for _ in signals[1:]]
    moment = rng.choice(["taking signals", "serving", "rebuilding the broken listing", "marked",
                         "rebuilding the fixed listing", "fixed"])
    snippet = book / "snippets" / "hello.py"
    venv = ROOT / ".venv"
    proc = subprocess.Popen(
        ["make", "-s", "-f", str(ROOT / "Makefile"), "livehtml", f"PORT={port}", f"VENV={venv}", "-o",
         f"{venv}/.installed"],
        cwd=book, env=children.environment(), stdin=subprocess.DEVNULL, stdout=log.open("wb"),
        stderr=subprocess.STDOUT, start_new_session=True,
        preexec_fn=(lambda: signal.signal(signal.SIGINT, signal.SIG_IGN)) if background else None,
    )
    children.started.append(proc)
    reads = 0

    def until(condition, what: str, seconds: float = 120) -> None:  # noqa: ANN001
        nonlocal reads
        deadline = time.monotonic() + seconds
        while not condition():
            if proc.poll() is not None:
                raise SystemExit(f"livesoak: cycle {n}: make livehtml ended ({proc.returncode}) before {what}:\n"
                                 + log.read_text(errors="replace")[-3000:])
            if time.monotonic() > deadline:
                raise SystemExit(f"livesoak: cycle {n}: no {what} within {seconds:.0f} s")
            time.sleep(0.05)

    def page() -> str:
        nonlocal reads
        reads += 1
        try:
            return fetch(port)
        except HalfPage as exc:
            half.append(f"cycle {n}: {exc}")
            return ""

    try:
        steps = [
            ("taking signals", lambda: caught(proc.pid)),
            ("serving", lambda: "hello.py" in page()),
            ("rebuilding the broken listing", lambda: snippet.write_text('print("goodbye")\n') or True),
            ("rebuilding the broken listing", lambda: listings_run(book) or 'class="outputcheck-mark"' in page()),
            ("marked", lambda: 'class="outputcheck-mark"' in page()),
            ("rebuilding the fixed listing", lambda: snippet.write_text('print("hello")\n') or True),
            ("rebuilding the fixed listing", lambda: listings_run(book) or 'class="outputcheck-mark"' not in page()),
            ("fixed", lambda: (t := page()) and 'class="outputcheck-mark"' not in t),
        ]
        stop_after = max(i for i, (name, _) in enumerate(steps) if name == moment)
        for name, condition in steps[: stop_after + 1]:
            until(condition, name)
        time.sleep(rng.uniform(0, 0.3))
        first = None
        for i, sig in enumerate(signals):
            if i:
                time.sleep(gaps[i - 1])
            if first is None and not (background and sig == signal.SIGINT):
                first = time.monotonic()  # the signal that stops it (a background job ignores SIGINT)
            try:
                os.killpg(proc.pid, sig)
            except ProcessLookupError:
                break
        assert first is not None
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            return {"n": n, "hung": True, "moment": moment, "signals": signals, "gaps": gaps, "background": background,
                    "exited": 30.0, "gone": 30.0, "left": under(book), "reads": reads, "shutdowns": 0,
                    "output": log.read_text(errors="replace")[-2000:]}
        exited = time.monotonic() - first
        while under(book) and time.monotonic() - first < 10:
            time.sleep(0.01)
        gone = time.monotonic() - first
        left = under(book)
    finally:
        snippet.write_text('print("hello")\n')
        children.started.remove(proc)
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    text = log.read_text(errors="replace")
    shutdowns = [line for line in text.splitlines() if "make livehtml: interrupted by" in line]
    return {"n": n, "hung": False, "moment": moment, "background": background, "signals": signals,
            "gaps": gaps, "exited": exited, "gone": gone, "left": left, "reads": reads,
            "shutdowns": len(shutdowns), "output": text[-2000:]}


def volley_name(signals: list[signal.Signals], gaps: list[float]) -> str:
    parts = [signals[0].name.removeprefix("SIG")]
    for gap, sig in zip(gaps, signals[1:]):
        parts += [f"{gap * 1000:.0f}ms", sig.name.removeprefix("SIG")]
    return "-".join(parts)


def measure(args: argparse.Namespace, tmp: Path) -> int:
    started_at = datetime.datetime.now(datetime.timezone.utc)
    rng = random.Random(args.seed)
    book = small_book(tmp / "live-book")
    log = tmp / "livehtml.log"
    cores = os.cpu_count() or 2
    where[0] = "the start of the CPU load"
    burners = [children.start([sys.executable, str(LOAD), "burn"], cwd=tmp) for _ in range(cores)]
    rows: list[dict[str, object]] = []
    half: list[str] = []
    loads: list[float] = []
    began = time.monotonic()
    for n in range(args.cycles):
        where[0] = f"live-preview cycle {n + 1}/{args.cycles}"
        row = one_cycle(book, log, rng, n, half)
        rows.append(row)
        loads.append(os.getloadavg()[0])
        for b in burners:
            if b.poll() is not None:
                raise SystemExit(f"livesoak: a CPU burner ended (exit {b.returncode})")
        print(f"livesoak: cycle {n + 1}/{args.cycles}: {volley_name(row['signals'], row['gaps'])}"
              f"{' (background job)' if row['background'] else ''} when {row['moment']}: make exited after "
              f"{row['exited']:.2f} s, everything gone after {row['gone']:.2f} s"
              f"{', LEFT: ' + str(row['left']) if row['left'] else ''}{', HUNG' if row['hung'] else ''}", flush=True)
    took = time.monotonic() - began
    children.stop()
    gone = [float(r["gone"]) for r in rows]
    exited = [float(r["exited"]) for r in rows]
    left = [r for r in rows if r["left"]]
    hung = [r for r in rows if r["hung"]]
    shutdowns = [r for r in rows if r["shutdowns"] != 1]
    over = [r for r in rows if float(r["gone"]) > TARGET]
    moments = {m: sum(1 for r in rows if r["moment"] == m) for m in dict.fromkeys(r["moment"] for r in rows)}
    when = started_at.strftime("%Y-%m-%d %H:%M UTC")
    met = not (left or hung or over or half or shutdowns)
    lines = [
        f"## {TITLE}",
        "",
        f"`python bench/livesoak.py --cycles {args.cycles} --seed {args.seed}` (part of `make soak`) started {when} on "
        f"{platform.node()}, {os.cpu_count()} cores, Python {platform.python_version()}, with {cores} CPU burners "
        f"beside it (1-minute load average after each cycle: median {statistics.median(loads):.1f}, highest "
        f"{max(loads):.1f}). Each cycle: `make livehtml` on a small book of its own (one page, three listings, one "
        f"running 1 s), in a process group of its own; the page served, a listing broken, the mark on the page, the "
        f"listing fixed, the mark gone; at a random moment a volley of 1-3 signals (SIGINT, SIGTERM, 0-50 ms apart) "
        f"to the group; one cycle in four as a background job (SIGINT ignored, a SIGTERM always sent). Times from "
        f"the signal that stops it.",
        "",
        "| cycles | make exited: median / longest | everything gone: median / longest | over 2 s | processes left "
        "| hung | cycles with other than one shutdown line | page reads | half pages | minutes |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        f"| {len(rows)} | {statistics.median(exited):.2f} s / {max(exited):.2f} s | {statistics.median(gone):.2f} s / "
        f"{max(gone):.2f} s | {len(over)} | {sum(len(r['left']) for r in left)} | {len(hung)} | {len(shutdowns)} | "
        f"{sum(int(r['reads']) for r in rows)} | {len(half)} | {took / 60:.1f} |",
        "",
        "Moments of the signal: " + ", ".join(f"{m} {k}" for m, k in moments.items()) + f"; background jobs: "
        f"{sum(1 for r in rows if r['background'])}; volleys of one signal {sum(1 for r in rows if len(r['signals']) == 1)}, "
        f"two {sum(1 for r in rows if len(r['signals']) == 2)}, three {sum(1 for r in rows if len(r['signals']) == 3)}. "
        f"Target: every cycle gone within {TARGET:g} s with nothing left: {'met' if met else '**not met**'}.",
    ]
    for r in (hung + left + over + shutdowns)[:5]:
        lines += ["", f"Cycle {int(r['n']) + 1} ({volley_name(r['signals'], r['gaps'])} when {r['moment']}):", "",
                  "```text", str(r["output"]).strip()[-1500:], "```"]
    if half:
        lines += ["", "Half pages:", "", "```text", *half[:10], "```"]
    text = "\n".join(lines) + "\n"
    print(text)
    target = ROOT / "bench" / "SOAK.md"
    previous = target.read_text() if target.exists() else "# Soak\n"
    target.write_text(previous.split(f"\n## {TITLE}\n")[0].rstrip("\n") + "\n\n" + text)
    print(f"livesoak: written to {target.relative_to(ROOT)}")
    return 0 if met else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cycles", type=int, default=100, help="live-preview cycles (default 100)")
    parser.add_argument("--seed", type=int, default=23, help="of the random moments and volleys")
    args = parser.parse_args()
    return run_command("livesoak", children, where, lambda tmp: measure(args, tmp))


if __name__ == "__main__":
    sys.exit(main())
