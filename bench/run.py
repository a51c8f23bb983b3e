"""``make bench``: how fast the book builds, against its floors and a peer.

Everything is measured in one run on one machine, on a private copy of the book (the
working tree is never touched), as the median of several runs.  The machine is shared
and noisy, so the targets are ratios between figures taken side by side:

- clean build of both editions <= slowest snippet + plain Sphinx build of both + 1 s
- each snippet runs once for both editions
- a rebuild with no change runs no snippet and takes <= 1.2 x a plain no-op rebuild
- editing one snippet reruns only it and re-reads only the pages that use it
- ``pytest snippets`` (no cache) <= slowest snippet + 1.5 s
- a clean build >= 3 x faster than sphinxcontrib-programoutput doing the same work

"Plain Sphinx" is the same pages and driver with execution switched off
(``-D outputcheck_execute=0``).  The peer replaces every output block by
``{program-output}``, which runs each command while the page is read, one after
another, in each edition.  Results go to ``bench/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COPY = ["docs", "snippets", "outputcheck", "bilingual", "reader", "timeline", "conf.py", "pyproject.toml"]
PLAIN = ["-D", "outputcheck_execute=0"]
EDITED = "asyncio_call_soon"


def run(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> tuple[float, str, int]:
    started = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    return time.perf_counter() - started, done.stdout + done.stderr, done.returncode


def build(work: Path, *options: str) -> tuple[float, str]:
    took, out, code = run([sys.executable, "-m", "bilingual.build", "--", *options], work)
    if code != 0:
        raise SystemExit(f"bench: the build failed in {work}:\n{out[-3000:]}")
    return took, out


def clean(work: Path) -> None:
    shutil.rmtree(work / "_build", ignore_errors=True)


def median(values: list[float]) -> float:
    return statistics.median(values)


def copy_book(dest: Path) -> Path:
    for name in COPY:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
        else:
            shutil.copy2(src, dest / name)
    return dest


def counts(out: str) -> tuple[int, int]:
    """(snippet runs, pages re-read) from a build's output, both editions summed."""
    ran = len(re.findall(r"^outputcheck: ran ", out, flags=re.M))
    ran += sum(int(n) for n in re.findall(r"snippet runs: (\d+) ran", out))
    reread = sum(int(n) for n in re.findall(r"(\d+) changed, \d+ removed", out))
    return ran, reread


def snippets_run(out: str) -> set[str]:
    """Which snippet files ran (by the background prefetch, which runs every run)."""
    return set(re.findall(r"^outputcheck: ran python3 (\S+)\.py", out, flags=re.M))


def make_peer(work: Path) -> None:
    """The same book with sphinxcontrib-programoutput in place of {output}."""
    (work / "conf.py").write_text(
        (work / "conf.py").read_text() + '\nextensions.append("sphinxcontrib.programoutput")\n'
    )
    fence = re.compile(r"^(?P<fence>`{3,}|:{3,})\{output\}\n(?P<body>.*?)^(?P=fence)\s*$", re.M | re.S)

    def replace(m: re.Match[str]) -> str:
        body = m.group("body")
        options = dict(re.findall(r"^:([\w-]+):\s*(.*)$", body, flags=re.M))
        command = next(line[2:] for line in body.splitlines() if line.startswith("$ "))
        lines = [f"{m.group('fence')}{{program-output}} {command}", ":cwd: ../snippets"]
        if options.get("returncode"):
            lines.append(f":returncode: {options['returncode']}")
        if "server" in options or "client" in options:
            # programoutput cannot start a server first; run the program alone
            # (the client fails fast against a closed port), declared as failing.
            lines.append(":returncode: 1" if "server" in options else ":returncode: 0")
            if "client" in options:
                lines[0] = f"{m.group('fence')}{{program-output}} python3 -c \"print('server not run')\""
        return "\n".join(lines) + f"\n{m.group('fence')}\n"

    for page in (work / "docs").glob("*.md"):
        page.write_text(fence.sub(replace, page.read_text()))


def snippet_floors(work: Path) -> tuple[float, float, str]:
    """Slowest snippet on its own (median), and the serial sum of all runs."""
    sys.path.insert(0, str(work))
    from outputcheck.check import run_blocks
    from outputcheck.config import load
    from outputcheck.pages import collect

    project = load(work)
    blocks, _ = collect(project.pages, project.root)
    settings = project.settings(use_cache=False)
    settings.jobs = 1
    batch = asyncio.run(run_blocks(blocks, settings))
    serial = sum(r.duration for r in batch.results.values())
    slowest = max(batch.results.values(), key=lambda r: r.duration)
    alone = []
    for _ in range(5):
        one = asyncio.run(run_blocks([b for b in blocks if b.spec == slowest.spec], settings))
        alone.append(one.results[slowest.spec].duration)
    return median(alone), serial, slowest.spec.label


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per figure (median)")
    args = parser.parse_args()
    n = args.runs
    rows: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="book-bench-") as tmp:
        work = copy_book(Path(tmp) / "book")
        peer = copy_book(Path(tmp) / "peer")
        make_peer(peer)
        print("bench: floors (slowest snippet alone, serial sum) ...", flush=True)
        rows["slowest snippet alone"], rows["serial sum of all snippets"], slowest_name = snippet_floors(work)

        print("bench: plain Sphinx (execution off) ...", flush=True)
        plain_clean, plain_noop = [], []
        for _ in range(n):
            clean(work)
            plain_clean.append(build(work, *PLAIN)[0])
            plain_noop.append(build(work, *PLAIN)[0])
        rows["plain Sphinx, clean, both editions"] = median(plain_clean)
        rows["plain Sphinx, no-op rebuild"] = median(plain_noop)

        print("bench: this book (clean, no-op, one snippet edited) ...", flush=True)
        ours_clean, ours_noop, ours_edit = [], [], []
        runs_clean, runs_noop, runs_edit, reread_edit, rerun_names = [], [], [], [], []
        script = work / "snippets" / f"{EDITED}.py"
        original = script.read_text()
        for i in range(n):
            clean(work)
            took, out = build(work)
            ours_clean.append(took)
            runs_clean.append(counts(out)[0])
            took, out = build(work)
            ours_noop.append(took)
            runs_noop.append(counts(out)[0])
            script.write_text(original + "\n" * (i + 1))  # new bytes, same listing, same output
            took, out = build(work, "-v")
            ours_edit.append(took)
            ran, reread = counts(out)
            runs_edit.append(ran)
            reread_edit.append(reread)
            rerun_names.append(snippets_run(out))
        script.write_text(original)
        rows["ours, clean, both editions"] = median(ours_clean)
        rows["ours, no-op rebuild"] = median(ours_noop)
        rows["ours, one snippet edited"] = median(ours_edit)

        print("bench: pytest snippets (no cache) ...", flush=True)
        tests = []
        for _ in range(n):
            took, out, code = run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "snippets", "--no-output-cache"], work)
            if code != 0:
                raise SystemExit(f"bench: pytest snippets failed:\n{out[-3000:]}")
            tests.append(took)
        rows["pytest snippets, no cache"] = median(tests)

        print("bench: peer, sphinxcontrib-programoutput ...", flush=True)
        peer_clean = []
        for _ in range(max(3, n // 2)):
            clean(peer)
            peer_clean.append(build(peer, *PLAIN)[0])
        rows["peer (programoutput), clean, both editions"] = median(peer_clean)

    slowest = rows["slowest snippet alone"]
    targets = [
        ("clean build <= slowest + plain clean + 1 s",
         rows["ours, clean, both editions"], slowest + rows["plain Sphinx, clean, both editions"] + 1.0),
        ("no-op rebuild <= 1.2 x plain no-op",
         rows["ours, no-op rebuild"], 1.2 * rows["plain Sphinx, no-op rebuild"]),
        ("pytest snippets <= slowest + 1.5 s", rows["pytest snippets, no cache"], slowest + 1.5),
        ("clean build x 3 <= peer clean build",
         3 * rows["ours, clean, both editions"], rows["peer (programoutput), clean, both editions"]),
    ]
    counts_ok = [
        ("each snippet runs once for both editions (clean build)",
         f"{max(runs_clean)} runs for {count_specs()} distinct runs", max(runs_clean) == count_specs()),
        ("a no-change rebuild runs no snippet", f"{max(runs_noop)} runs", max(runs_noop) == 0),
        ("editing one snippet reruns only it",
         f"{max(runs_edit)} run(s), of {', '.join(sorted(set().union(*rerun_names)))} "
         f"(its plain and its instrumented run: it has a timeline)",
         set().union(*rerun_names) == {EDITED} and max(runs_edit) <= 2),
        ("... and re-reads only the pages that use it",
         f"{max(reread_edit)} page reads (1 page x 2 editions)", max(reread_edit) == 2),
    ]
    lines = report(rows, targets, counts_ok, slowest_name, n)
    print("\n".join(lines))
    (ROOT / "bench" / "RESULTS.md").write_text("\n".join(lines) + "\n")
    failed = [t for t in targets if not t[1] <= t[2]] + [c for c in counts_ok if not c[2]]
    return 1 if failed else 0


def count_specs() -> int:
    sys.path.insert(0, str(ROOT))
    from outputcheck.config import load
    from outputcheck.pages import collect

    project = load(ROOT)
    blocks, _ = collect(project.pages, project.root)
    return len({b.spec for b in blocks})


def report(rows, targets, counts_ok, slowest_name: str, n: int) -> list[str]:
    import sphinx

    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# Build speed",
        "",
        f"Measured by `make bench` on {now}: {platform.node()}, {platform.system()} {platform.release()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, Sphinx {sphinx.__version__}. "
        f"Each figure is the median of {n} runs (the peer: {max(3, n // 2)}).",
        "",
        "| figure | seconds |",
        "| --- | ---: |",
    ]
    lines += [f"| {name}{' (' + slowest_name + ')' if name == 'slowest snippet alone' else ''} | {value:.2f} |" for name, value in rows.items()]
    lines += ["", "| target | measured | limit | met |", "| --- | ---: | ---: | :---: |"]
    lines += [f"| {name} | {got:.2f} s | {limit:.2f} s | {'yes' if got <= limit else '**no**'} |" for name, got, limit in targets]
    lines += ["", "| target | measured | met |", "| --- | --- | :---: |"]
    lines += [f"| {name} | {got} | {'yes' if ok else '**no**'} |" for name, got, ok in counts_ok]
    ours = rows["ours, clean, both editions"]
    lines += [
        "",
        f"Ratios: clean build / (slowest + plain clean) = {ours / (rows['slowest snippet alone'] + rows['plain Sphinx, clean, both editions']):.2f}; "
        f"no-op / plain no-op = {rows['ours, no-op rebuild'] / rows['plain Sphinx, no-op rebuild']:.2f}; "
        f"peer clean / ours clean = {rows['peer (programoutput), clean, both editions'] / ours:.2f}; "
        f"serial sum / ours clean = {rows['serial sum of all snippets'] / ours:.2f}.",
    ]
    return lines


if __name__ == "__main__":
    sys.exit(main())
