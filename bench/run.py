"""``make bench``: how fast the book builds, against its floors and a peer, and where
the CPU of a build goes.

Everything is measured in one run on one machine, on a private copy of the book (the
working tree is never touched), as the median of several runs.  The machine is shared
and noisy, so the targets are ratios between figures taken side by side:

- clean build of both editions <= slowest snippet + plain Sphinx build of both + 1 s
- each snippet runs once for both editions
- a rebuild with no change runs no snippet and takes <= 1.2 x a plain no-op rebuild
- editing one snippet reruns only it and re-reads only the pages that use it
- ``pytest snippets`` (no cache) <= slowest snippet + 1.5 s
- a clean build >= 3 x faster than sphinxcontrib-programoutput doing the same work
- the English edition costs little more than its own reading and writing (issue 22):
  a clean ``make html`` <= 1.25 x the CPU of ``make html EDITIONS=ko``, English reading
  <= 1.5 x Korean reading, and a no-op and a one-snippet rebuild using no more CPU
  (within 5 %) than without ``bilingual/fastmessages.py``, ``fastlocale.py`` and
  ``collection.py`` (``-D bilingual_fast_messages=0``, built in the same run as the "before")

"Plain Sphinx" is the same pages and driver with execution switched off
(``-D outputcheck_execute=0``).  The peer replaces every output block by
``{program-output}``, which runs each command while the page is read, one after
another, in each edition.

It also measures what a user runs, ``make clean && make html``, with this checkout's
Makefile in a private copy of the book: wall time and the user + system CPU seconds of
the whole process tree, beside the peer doing the same in the same run (one after the
other, alternately).  And where the CPU of that build goes: the Sphinx process of each
edition (start-up, reading, writing; from ``bench/phases.py``), the listing runs, and of
these the interpreter start-ups (an estimate).  Results go to ``bench/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import resource
import shutil
import statistics
import sys
from pathlib import Path

from common import ROOT, Children, Finished, copy_book, run_async, run_command

PLAIN = ["-D", "outputcheck_execute=0"]
EDITED = "asyncio_call_soon"
USER_BUILD = ["sh", "-c", "make clean && make html"]
KO_ONLY = ["sh", "-c", "make clean && make html EDITIONS=ko"]
# Issue 22's "before": the same build with bilingual/fastmessages.py switched off.
UNPATCHED = ["-D", "bilingual_fast_messages=0"]
UNPATCHED_ENV = {"SPHINXOPTS": "--fail-on-warning --keep-going -D bilingual_fast_messages=0"}
#: "No slower than before" allows this much: medians of a shared 2-core machine move by
#: a few per cent between identical runs.
NOISE = 1.05
EDITIONS = {"ko": "Korean", "en": "English"}
children = Children()
where = ["the start"]


def run(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> tuple[float, str, int]:
    done = children.run(cmd, cwd=cwd, env=env)
    return done.took, done.output, done.returncode


def build(work: Path, *options: str, cpu: list[float] | None = None) -> tuple[float, str]:
    """Wall seconds and output of the build driver in ``work``; its CPU seconds (whole
    process tree) are appended to ``cpu`` when given."""
    done = children.run([sys.executable, "-m", "bilingual.build", "--", *options], cwd=work)
    if done.returncode != 0:
        raise SystemExit(f"bench: the build failed in {work}:\n{done.output[-3000:]}")
    if cpu is not None:
        cpu.append(done.cpu)
    return done.took, done.output


def user_build(work: Path, env: dict[str, str] | None = None, command: list[str] = USER_BUILD) -> Finished:
    """``make clean && make html`` in ``work``, as a user types it."""
    done = children.run(command, cwd=work, env=env)
    if done.returncode != 0:
        raise SystemExit(f"bench: `{command[-1]}` failed in {work}:\n{done.output[-3000:]}")
    return done


def clean(work: Path) -> None:
    shutil.rmtree(work / "_build", ignore_errors=True)


def median(values: list[float]) -> float:
    return statistics.median(values)


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
    from outputcheck.running import interpreters

    (work / "conf.py").write_text(
        (work / "conf.py").read_text() + '\nextensions.append("sphinxcontrib.programoutput")\n'
    )
    fence = re.compile(r"^(?P<fence>`{3,}|:{3,})\{output\}\n(?P<body>.*?)^(?P=fence)\s*$", re.M | re.S)

    def replace(m: re.Match[str]) -> str:
        body = m.group("body")
        options = dict(re.findall(r"^:([\w-]+):\s*(.*)$", body, flags=re.M))
        command = next(line[2:] for line in body.splitlines() if line.startswith("$ "))
        python, _, rest = command.partition(" ")
        if python != "python3":  # python3.N: the interpreter our build finds (pyenv's shim may not be on PATH)
            command = f"{interpreters.find(python) or python} {rest}"
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
    from outputcheck.verbs.check import run_blocks
    from outputcheck.verbs.config import load
    from outputcheck.reading.pages import collect

    project = load(work)
    blocks, _ = collect(project.pages, project.root)
    settings = project.settings(use_cache=False)
    settings.jobs = 1
    batch = run_async(run_blocks(blocks, settings))
    serial = sum(r.duration for r in batch.results.values())
    slowest = max(batch.results.values(), key=lambda r: r.duration)
    alone = []
    for _ in range(5):
        one = run_async(run_blocks([b for b in blocks if b.spec == slowest.spec], settings))
        alone.append(one.results[slowest.spec].duration)
    return median(alone), serial, slowest.spec.label


def add_phases(work: Path) -> None:
    """Load bench/phases.py in this copy's Sphinx processes (never in the book itself)."""
    shutil.copy2(Path(__file__).with_name("phases.py"), work / "bench_phases.py")
    (work / "conf.py").write_text((work / "conf.py").read_text() + '\nextensions.append("bench_phases")\n')


def phased_build(work: Path, folder: Path, env: dict[str, str] | None = None) -> tuple[Finished, dict[str, dict[str, float]]]:
    """``make clean && make html`` with each Sphinx process recording its own CPU by phase."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    done = user_build(work, env={"BENCH_PHASES": str(folder), **(env or {})})
    return done, {language: json.loads((folder / f"{language}.json").read_text()) for language in EDITIONS}


def listing_cpu(work: Path) -> tuple[int, float]:
    """How many listing runs the book has, and their user + system CPU seconds run alone,
    all at once with no cache as a build runs them (this process is their parent)."""
    from outputcheck.verbs.check import run_blocks
    from outputcheck.verbs.config import load
    from outputcheck.reading.pages import collect

    project = load(work)
    blocks, _ = collect(project.pages, project.root)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    batch = run_async(run_blocks(blocks, project.settings(use_cache=False)))
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return len(batch.results), (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def startup_cpu(work: Path, code: str, times: int = 20) -> float:
    """CPU seconds of one start of the listings' interpreter running ``code``, in the
    listings' own environment (median of ``times``)."""
    from outputcheck.running import interpreters
    from outputcheck.running.runner import snippet_environment

    python = interpreters.find("python3", sys.executable) or sys.executable
    env = snippet_environment(python)
    values = []
    for _ in range(times):
        done = children.run([python, "-c", code], cwd=work / "snippets", env=env, inherit=False)
        if done.returncode != 0:
            raise SystemExit(f"bench: {python} -c {code!r} failed:\n{done.output[-2000:]}")
        values.append(done.cpu)
    return median(values)


def measure(args: argparse.Namespace, tmp: Path) -> int:
    n = args.runs
    rows: dict[str, float] = {}
    work = copy_book(tmp / "book")
    sys.path.insert(0, str(work))
    peer = copy_book(tmp / "peer")
    make_peer(peer)
    where[0] = "the floors (slowest snippet alone, serial sum)"
    print(f"bench: {where[0]} ...", flush=True)
    rows["slowest snippet alone"], rows["serial sum of all snippets"], slowest_name = snippet_floors(work)

    where[0] = "plain Sphinx (execution off)"
    print(f"bench: {where[0]} ...", flush=True)
    plain_clean, plain_noop = [], []
    for _ in range(n):
        clean(work)
        plain_clean.append(build(work, *PLAIN)[0])
        plain_noop.append(build(work, *PLAIN)[0])
    rows["plain Sphinx, clean, both editions"] = median(plain_clean)
    rows["plain Sphinx, no-op rebuild"] = median(plain_noop)

    where[0] = "this book (clean, no-op, one snippet edited)"
    print(f"bench: {where[0]} ...", flush=True)
    ours_clean, ours_noop, ours_edit = [], [], []
    before_clean, before_noop, before_edit = [], [], []
    cpu_runs: dict[str, list[float]] = {k: [] for k in ("before no-op", "after no-op", "before edit", "after edit")}
    runs_clean, runs_noop, runs_edit, reread_edit, rerun_names = [], [], [], [], []
    script = work / "snippets" / f"{EDITED}.py"
    original = script.read_text()
    for i in range(n):
        clean(work)
        took, out = build(work)
        ours_clean.append(took)
        runs_clean.append(counts(out)[0])
        took, out = build(work, cpu=cpu_runs["after no-op"])
        ours_noop.append(took)
        runs_noop.append(counts(out)[0])
        script.write_text(original + "\n" * (i + 1))  # new bytes, same listing, same output
        took, out = build(work, "-v", cpu=cpu_runs["after edit"])
        ours_edit.append(took)
        ran, reread = counts(out)
        runs_edit.append(ran)
        reread_edit.append(reread)
        rerun_names.append(snippets_run(out))
        # the same three with bilingual/fastmessages.py off (issue 22's "before"); its own edit
        clean(work)
        before_clean.append(build(work, *UNPATCHED)[0])
        before_noop.append(build(work, *UNPATCHED, cpu=cpu_runs["before no-op"])[0])
        script.write_text(original + "\n" * (n + i + 1))
        before_edit.append(build(work, *UNPATCHED, "-v", cpu=cpu_runs["before edit"])[0])
    script.write_text(original)
    rows["ours, clean, both editions"] = median(ours_clean)
    rows["ours, no-op rebuild"] = median(ours_noop)
    rows["ours, one snippet edited"] = median(ours_edit)

    where[0] = "pytest snippets (no cache)"
    print(f"bench: {where[0]} ...", flush=True)
    tests = []
    for _ in range(n):
        took, out, code = run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "snippets", "--no-output-cache"], work)
        if code != 0:
            raise SystemExit(f"bench: pytest snippets failed:\n{out[-3000:]}")
        tests.append(took)
    rows["pytest snippets, no cache"] = median(tests)

    where[0] = "the peer, sphinxcontrib-programoutput"
    print(f"bench: {where[0]} ...", flush=True)
    peer_clean = []
    for _ in range(max(3, n // 2)):
        clean(peer)
        peer_clean.append(build(peer, *PLAIN)[0])
    rows["peer (programoutput), clean, both editions"] = median(peer_clean)

    where[0] = "`make clean && make html`, ours and the peer's, alternately"
    print(f"bench: {where[0]} ...", flush=True)
    ours_make = copy_book(tmp / "make-book", with_make=True)
    peer_make = copy_book(tmp / "make-peer", with_make=True)
    make_peer(peer_make)
    users: dict[str, list[Finished]] = {"ours": [], "peer": []}
    # Issue 22: the Korean edition alone, and both without bilingual/fastmessages.py, in turn.
    english: dict[str, list[Finished]] = {"ko": [], "before": [], "after": users["ours"]}
    for _ in range(n):
        users["ours"].append(user_build(ours_make))
        users["peer"].append(user_build(peer_make))
        english["ko"].append(user_build(ours_make, command=KO_ONLY))
        english["before"].append(user_build(ours_make, env=UNPATCHED_ENV))
    listing_runs = max(counts(d.output)[0] for d in users["ours"])

    where[0] = "where the CPU of a clean build goes"
    print(f"bench: {where[0]} ...", flush=True)
    phased = copy_book(tmp / "phased", with_make=True)
    add_phases(phased)
    phase_runs, phase_before = [], []
    for _ in range(max(3, n // 2)):
        phase_runs.append(phased_build(phased, tmp / "phases"))
        phase_before.append(phased_build(phased, tmp / "phases", UNPATCHED_ENV))
    alone = [listing_cpu(work) for _ in range(3)]
    cpu = {
        "bare": startup_cpu(work, "pass"),
        "asyncio": startup_cpu(work, "import asyncio"),
        "listings": median([c for _, c in alone]),
        "phased build": median([d.cpu for d, _ in phase_runs]),
        "phased wall": median([d.took for d, _ in phase_runs]),
    }
    for language in EDITIONS:
        marks = [p[language] for _, p in phase_runs]
        cpu[f"{language} start-up"] = median([m["reading starts"] for m in marks])
        cpu[f"{language} reading"] = median([m["reading ends"] - m["reading starts"] for m in marks])
        cpu[f"{language} checks"] = median([m["checks end"] - m["reading ends"] for m in marks])
        cpu[f"{language} writing"] = median([m["exit"] - m["checks end"] for m in marks])
    where[0] = "writing the report"

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
    rebuilds = {
        "clean": (median(before_clean), rows["ours, clean, both editions"]),
        "no-op": (median(before_noop), rows["ours, no-op rebuild"]),
        "edit": (median(before_edit), rows["ours, one snippet edited"]),
        "no-op CPU": (median(cpu_runs["before no-op"]), median(cpu_runs["after no-op"])),
        "edit CPU": (median(cpu_runs["before edit"]), median(cpu_runs["after edit"])),
    }
    lines = report(rows, targets, counts_ok, slowest_name, n)
    lines += user_report(users, listing_runs, cpu, n, len(phase_runs), len(alone))
    english_lines, english_missed = english_report(english, phase_before, phase_runs, rebuilds, n)
    lines += english_lines
    print("\n".join(lines))
    (ROOT / "bench" / "RESULTS.md").write_text("\n".join(lines) + "\n")
    failed = [t for t in targets if not t[1] <= t[2]] + [c for c in counts_ok if not c[2]] + english_missed
    return 1 if failed else 0


def reading(runs: list[tuple[Finished, dict[str, dict[str, float]]]], language: str, part: str = "reading") -> float:
    """Median CPU seconds of one part of one edition's Sphinx process, over phased builds."""
    spans = {"reading": ("reading starts", "reading ends"), "writing": ("checks end", "exit")}[part]
    return median([p[language][spans[1]] - p[language][spans[0]] for _, p in runs])


def english_report(english: dict[str, list[Finished]], phase_before: list, phase_after: list,
                   rebuilds: dict[str, tuple[float, float]], n: int) -> tuple[list[str], list[str]]:
    """Issue 22: what the English edition costs, before and after bilingual/fastmessages.py,
    from the same run; and its targets, met or not."""
    cpu = {k: median([d.cpu for d in runs]) for k, runs in english.items()}
    wall = {k: median([d.took for d in runs]) for k, runs in english.items()}
    read = {
        "before": (reading(phase_before, "en"), reading(phase_before, "ko")),
        "after": (reading(phase_after, "en"), reading(phase_after, "ko")),
    }
    write = {
        "before": (reading(phase_before, "en", "writing"), reading(phase_before, "ko", "writing")),
        "after": (reading(phase_after, "en", "writing"), reading(phase_after, "ko", "writing")),
    }
    targets = [
        # name, before, after, limit, unit
        ("clean `make html` CPU / `make html EDITIONS=ko` CPU <= 1.25",
         cpu["before"] / cpu["ko"], cpu["after"] / cpu["ko"], 1.25, "x"),
        ("English reading / Korean reading (CPU) <= 1.5",
         read["before"][0] / read["before"][1], read["after"][0] / read["after"][1], 1.5, "x"),
        (f"no-op rebuild: CPU no more than before (within {NOISE - 1:.0%})",
         rebuilds["no-op CPU"][0], rebuilds["no-op CPU"][1], NOISE * rebuilds["no-op CPU"][0], "s"),
        (f"one-snippet rebuild: CPU no more than before (within {NOISE - 1:.0%})",
         rebuilds["edit CPU"][0], rebuilds["edit CPU"][1], NOISE * rebuilds["edit CPU"][0], "s"),
    ]
    phased_n = len(phase_after)
    lines = [
        "",
        "## The English edition's cost (issue 22)",
        "",
        "\"Before\" is the same checkout with `bilingual/fastmessages.py`, `bilingual/fastlocale.py` and "
        "`bilingual/collection.py` switched off "
        "(`SPHINXOPTS='--fail-on-warning --keep-going -D bilingual_fast_messages=0'`, or `-D "
        "bilingual_fast_messages=0` to the build driver), measured in the same run, in turn with \"after\": "
        f"`make clean && make html` (both editions), before and after, and `make clean && make html EDITIONS=ko`, "
        f"{n} runs each, in the copy used above (whole process tree, as above); reading and writing CPU of each "
        f"edition's Sphinx process from {phased_n} phased builds each (as above); the no-op and one-snippet rebuilds "
        f"({n} runs each) of the build driver, as in the first table, compared by the CPU of their whole process "
        "tree (wall time on this shared machine moves with other users' load). Medians.",
        "",
        "| figure | before | after |",
        "| --- | ---: | ---: |",
        f"| `make clean && make html`, both editions: wall s | {wall['before']:.2f} | {wall['after']:.2f} |",
        f"| `make clean && make html`, both editions: CPU s | {cpu['before']:.2f} | {cpu['after']:.2f} |",
        f"| `make clean && make html EDITIONS=ko`: wall s, CPU s (not affected) | {wall['ko']:.2f}, {cpu['ko']:.2f} | |",
        f"| English edition: reading the pages, CPU s | {read['before'][0]:.2f} | {read['after'][0]:.2f} |",
        f"| Korean edition: reading the pages, CPU s | {read['before'][1]:.2f} | {read['after'][1]:.2f} |",
        f"| English edition: writing, CPU s | {write['before'][0]:.2f} | {write['after'][0]:.2f} |",
        f"| Korean edition: writing, CPU s | {write['before'][1]:.2f} | {write['after'][1]:.2f} |",
        f"| clean build (build driver), wall s | {rebuilds['clean'][0]:.2f} | {rebuilds['clean'][1]:.2f} |",
        f"| no-op rebuild, wall s | {rebuilds['no-op'][0]:.2f} | {rebuilds['no-op'][1]:.2f} |",
        f"| no-op rebuild, CPU s | {rebuilds['no-op CPU'][0]:.2f} | {rebuilds['no-op CPU'][1]:.2f} |",
        f"| one snippet edited, wall s | {rebuilds['edit'][0]:.2f} | {rebuilds['edit'][1]:.2f} |",
        f"| one snippet edited, CPU s | {rebuilds['edit CPU'][0]:.2f} | {rebuilds['edit CPU'][1]:.2f} |",
        "",
        "| target | before | after | limit | met |",
        "| --- | ---: | ---: | ---: | :---: |",
    ]
    missed = []
    for name, before, after, limit, unit in targets:
        met = after <= limit
        if not met:
            missed.append(name)
        lines.append(f"| {name} | {before:.2f} {unit} | {after:.2f} {unit} | {limit:.2f} {unit} | "
                     f"{'met' if met else '**not met**'} |")
    print("\n".join(f"bench: target {name}: {after:.2f} {unit} (before {before:.2f} {unit}, limit {limit:.2f} {unit}): "
                    f"{'met' if after <= limit else 'not met'}" for name, before, after, limit, unit in targets))
    return lines, missed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per figure (median)")
    args = parser.parse_args()
    return run_command("bench", children, where, lambda tmp: measure(args, tmp))


def count_specs() -> int:
    sys.path.insert(0, str(ROOT))
    from outputcheck.verbs.config import load
    from outputcheck.reading.pages import collect

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


def user_report(users: dict[str, list[Finished]], listing_runs: int, cpu: dict[str, float], n: int,
                phased_n: int, alone_n: int) -> list[str]:
    """The figures of what a user runs, and where its CPU goes, as Markdown lines."""
    fig = {
        who: {
            "wall": median([d.took for d in runs]),
            "user": median([d.user for d in runs]),
            "system": median([d.system for d in runs]),
            "cpu": median([d.cpu for d in runs]),
        }
        for who, runs in users.items()
    }
    ours, peer = fig["ours"], fig["peer"]
    cores = os.cpu_count() or 1
    lines = [
        "",
        "## What a user runs: `make clean && make html`",
        "",
        "`sh -c 'make clean && make html'` in a private copy of the book holding this checkout's Makefile (its "
        "`.venv` a link to this checkout's): `make`, `flock`, `python -m bilingual.build`, both Sphinx processes "
        "and every listing run. CPU is the user and system time of that whole process tree "
        "(`getrusage(RUSAGE_CHILDREN)` before and after). The peer is the same book with every output block "
        "replaced by `{program-output}` (as above), built by the same command. "
        f"Median of {n} runs each, ours and the peer's alternately.",
        "",
        "| `make clean && make html` | wall s | user CPU s | system CPU s | CPU s | CPU / wall |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for who, name in (("ours", "this book"), ("peer", "peer (programoutput)")):
        f = fig[who]
        lines.append(f"| {name} | {f['wall']:.2f} | {f['user']:.2f} | {f['system']:.2f} | {f['cpu']:.2f} | "
                     f"{f['cpu'] / f['wall']:.2f} |")
    lines += [
        "",
        f"Ratio: the peer takes **{peer['wall'] / ours['wall']:.2f} x** our wall time, and "
        f"{peer['cpu'] / ours['cpu']:.2f} x our CPU time.",
        "",
        f"**The ratio depends on the machine.** Our clean build is CPU-bound: it kept "
        f"{ours['cpu'] / ours['wall']:.2f} of the {cores} cores busy on average "
        f"({ours['cpu'] / ours['wall'] / cores:.0%} of the machine), because everything starts at once (the "
        f"listing runs and both editions); more or idler cores make it faster, fewer or busier ones slower. The "
        f"peer kept {peer['cpu'] / peer['wall']:.2f} cores busy ({peer['cpu'] / peer['wall'] / cores:.0%}): in "
        f"each edition it runs the listings one after another while the pages are read and waits for each to "
        f"end, and the listings mostly sleep, so its wall time follows the listings' run times more than the "
        f"cores. The ratio is therefore larger on a bigger or idler machine and smaller on a smaller or busier "
        f"one; these figures hold for this machine, at the time of the run.",
        "",
        "## Where the CPU of a clean build goes",
        "",
        f"{phased_n} more runs of the same `make clean && make html`, in a copy whose Sphinx processes also load "
        "`bench/phases.py` (each records its own CPU, threads included and child processes not, when reading "
        f"starts, when it ends, when the checks on the read pages end, and at exit); the {listing_runs} listing "
        f"runs measured alone ({alone_n} times, "
        "all at once with no cache, as a build runs them); one bare start of the listings' interpreter measured "
        "20 times. Medians.",
        "",
        "| part | CPU s | share |",
        "| --- | ---: | ---: |",
    ]
    total = cpu["phased build"]

    def row(name: str, value: float) -> str:
        return f"| {name} | {value:.2f} | {value / total:.0%} |"

    lines.append(row(f"whole build (wall {cpu['phased wall']:.2f} s)", total))
    sphinx = 0.0
    for language, edition in EDITIONS.items():
        start, read, check, write = (cpu[f"{language} {k}"] for k in ("start-up", "reading", "checks", "writing"))
        sphinx += start + read + check + write
        lines += [
            row(f"Sphinx, {edition} edition: start-up (interpreter, Sphinx, extensions, configuration, catalogs)", start),
            row(f"Sphinx, {edition} edition: reading the pages (parsing, directives"
                + (", applying the translations" if language != "ko" else "") + ")", read),
            row(f"Sphinx, {edition} edition: checks on the read pages (output verification"
                + (", translation drift" if language != "ko" else "") + ")", check),
            row(f"Sphinx, {edition} edition: writing (HTML, search index, timelines)", write),
        ]
    lines += [
        row(f"the {listing_runs} listing runs (measured alone)", cpu["listings"]),
        row(f"... of which interpreter start-ups (estimate: {listing_runs} x {cpu['bare']:.3f} s, "
            "one bare `python3 -c pass`)", listing_runs * cpu["bare"]),
        row(f"... of which start-ups with `import asyncio` (estimate: {listing_runs} x {cpu['asyncio']:.3f} s, "
            "`python3 -c 'import asyncio'`)", listing_runs * cpu["asyncio"]),
        row("the rest: make, flock, the build driver and its runner, listing runs slowed by the builds beside "
            "them (the difference)", total - sphinx - cpu["listings"]),
    ]
    return lines


if __name__ == "__main__":
    sys.exit(main())
