"""``make soak``: does every listing print the same thing, however busy the machine?

Every check of the book (each output block, and the instrumented run behind each
timeline) is run with no cache, all at once as a build runs them, round after round,
in three scenarios:

- idle: nothing else started by the soak (100 rounds by default);
- loaded: one process per core burning CPU (20 rounds);
- heavy: four processes burning CPU, a second clean build of the book looping beside
  it, and headless Chromium rendering the book's pages (200 rounds).

Each run is reduced exactly as the build compares it (its transcript, host paths
replaced, normalized under the block's own ``:vary:`` and ``:unordered:``, each ``:any:`` value as its kind), and for
each check the soak counts the distinct reduced outputs, the mismatches with the page
and the timeouts.  The target is one output per check: a timing-sensitive listing must
be fixed or its variation declared honestly in its block; a comparison that guards a
real line is never loosened to make this pass.

The soak runs on a private copy of the book taken when it starts, so editing the
working tree meanwhile changes nothing.  ``bench/SOAK.md`` gets the results; with
``--section TITLE`` they become a section of that title at its end (replacing an
earlier one of the same title), so a rerun after a fix keeps the run that found it.
"""

from __future__ import annotations

import argparse
import collections
import datetime
import difflib
import os
import platform
import shlex
import statistics
import subprocess
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from common import ROOT, Children, copy_book, run_async, run_command

sys.path.insert(0, str(ROOT))

from outputcheck.reading.blocks import OutputBlock  # noqa: E402
from outputcheck.verbs.check import Settings, judge, run_blocks  # noqa: E402
from outputcheck.judging.compare import transcript  # noqa: E402
from outputcheck.verbs.config import load  # noqa: E402
from outputcheck.declaring.normalize import KINDS, HostPaths, normalize  # noqa: E402
from outputcheck.reading.pages import collect  # noqa: E402
from outputcheck.running.runner import RunResult  # noqa: E402

LOAD = Path(__file__).resolve().parent / "load.py"
HEAVY_BURNERS = 4
CHROMIUM = "/usr/bin/chromium"


@dataclass
class Tally:
    """What one check gave over the rounds of one scenario."""

    block: OutputBlock
    forms: collections.Counter = field(default_factory=collections.Counter)
    mismatches: int = 0
    timeouts: int = 0
    first_report: str = ""  # the build's report of its first timeout or crash

    @property
    def runs(self) -> int:
        return sum(self.forms.values())

    @property
    def name(self) -> str:
        return self.block.location + (" (instrumented)" if self.block.spec.trace else "")


@dataclass
class Scenario:
    name: str
    rounds: int
    tallies: list[Tally]
    round_seconds: list[float] = field(default_factory=list)
    loads: list[float] = field(default_factory=list)  # 1-minute load average after each round

    @property
    def seconds(self) -> float:
        return sum(self.round_seconds)

    def total(self, attr: str) -> int:
        return sum(getattr(t, attr) for t in self.tallies)

    @property
    def unstable(self) -> list[Tally]:
        return [t for t in self.tallies if len(t.forms) > 1]


def form_of(block: OutputBlock, result: RunResult, settings: Settings, hosts: dict[str, HostPaths]) -> str:
    """A run as the build compares it: ``outputcheck.verbs.check.judge``'s host paths, then
    the block's own normalization; a run that ended otherwise than the block expects
    is marked, so a timeout is never counted as the same output as a full run."""
    python = result.python or settings.python
    if python not in hosts:
        hosts[python] = HostPaths.for_run(settings.snippets_dir, python)
    text = _any_blanked(normalize(transcript(block, result, hosts[python]), block.vary), block.vary.any)
    returncode = result.server_returncode if block.role == "server" else result.returncode
    if result.timed_out:
        return text + "\n[timed out]"
    if result.error:
        return text + f"\n[error: {result.error}]"
    if returncode != block.returncode:
        return text + f"\n[exit code {returncode}]"
    return text


def _any_blanked(text: str, kinds: tuple[str, ...]) -> str:
    """Each ``:any:`` value as its kind: whichever worker ran a call is not another output."""
    for kind in kinds:
        regex = kind[1:-1] if kind.startswith("/") else KINDS[kind]
        if regex:
            text = re.sub(regex, f"<any {'match' if kind.startswith('/') else kind}>", text)
    return text


def soak(scenario: Scenario, settings: Settings, where: list[str], alive: Callable[[], None] = lambda: None) -> None:
    """Run every check ``scenario.rounds`` times and tally what each gave."""
    blocks = [t.block for t in scenario.tallies]
    hosts: dict[str, HostPaths] = {}
    for i in range(scenario.rounds):
        where[0] = f"the {scenario.name} scenario, round {i + 1}/{scenario.rounds}"
        started = time.monotonic()
        batch = run_async(run_blocks(blocks, settings))
        scenario.round_seconds.append(time.monotonic() - started)
        scenario.loads.append(os.getloadavg()[0])
        for tally, verdict in zip(scenario.tallies, judge(blocks, batch, settings)):
            tally.forms[form_of(tally.block, verdict.result, settings, hosts)] += 1
            if not verdict.ok:
                if verdict.result.timed_out:
                    tally.timeouts += 1
                else:
                    tally.mismatches += 1
                if not verdict.updatable:  # a timeout or a crash; a mismatch is shown by its variant
                    tally.first_report = tally.first_report or verdict.report()
        alive()
        print(f"soak [{scenario.name}] round {i + 1}/{scenario.rounds} ({scenario.round_seconds[-1]:.1f} s): "
              f"{scenario.total('mismatches')} mismatches, {scenario.total('timeouts')} timeouts, "
              f"{len(scenario.unstable)} checks with more than one output so far", flush=True)


@dataclass
class HeavyLoad:
    """What ran beside the heavy scenario, and the logs that say how much of it ran."""

    burners: list[subprocess.Popen]
    builder: subprocess.Popen
    renderer: subprocess.Popen
    builds_log: Path
    render_log: Path
    render_out: Path

    def alive(self) -> None:
        """Stop the soak if part of its load died: the scenario would no longer be the one described."""
        for name, proc, out in [("a CPU burner", b, None) for b in self.burners] + [
            ("the concurrent build loop", self.builder, self.builds_log),
            ("the Chromium renderer", self.renderer, self.render_out),
        ]:
            if proc.poll() is not None:
                tail = out.read_text(errors="replace")[-3000:] if out and out.exists() else ""
                raise SystemExit(f"soak: {name} ended (exit {proc.returncode}) during the heavy scenario:\n{tail}")

    def facts(self) -> dict[str, object]:
        builds = self.builds_log.read_text().splitlines() if self.builds_log.exists() else []
        done = [line for line in builds if line.startswith("build ")]
        failed = [line for line in done if "exit 0," not in line]
        errors = collections.Counter(line.removeprefix("  | ") for line in builds if line.startswith("  | "))
        renders = [line.split() for line in self.render_log.read_text().splitlines()] if self.render_log.exists() else []
        return {
            "builds": len(done),
            "builds_failed": len(failed),
            "build_seconds": statistics.median(float(line.split()[-2]) for line in done) if done else 0.0,
            "build_errors": "\n".join(f"{n:4d} x {line}" for line, n in errors.most_common(20)),
            "renders": len(renders),
            "pages": len({r[1] for r in renders}),
            "render_seconds": statistics.median(float(r[2]) for r in renders) if renders else 0.0,
        }


def start_heavy_load(children: Children, tmp: Path, where: list[str]) -> HeavyLoad:
    """Four CPU burners, a clean build looping on a copy of the book, and Chromium
    rendering the pages of a build made first from that copy."""
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"soak: the heavy scenario renders the book in {CHROMIUM}, which is not installed "
                         f"(apt-get install chromium fonts-noto-cjk)")
    book = copy_book(tmp / "load-book")
    where[0] = "the build of the pages Chromium renders (before the heavy scenario)"
    print(f"soak: building the pages Chromium will render ({book}) ...", flush=True)
    site = tmp / "site"
    done = children.run([sys.executable, "-m", "bilingual.build", "--builddir", str(site), "--", "-q"], cwd=book)
    if done.returncode != 0:
        raise SystemExit(f"soak: the build of the pages to render failed:\n{done.output[-3000:]}")
    where[0] = "the start of the heavy load"
    python = sys.executable
    burners = [children.start([python, str(LOAD), "burn"], cwd=tmp) for _ in range(HEAVY_BURNERS)]
    builds_log, render_log, render_out = tmp / "builds.log", tmp / "render.log", tmp / "render.out"
    builder = children.start([python, str(LOAD), "build", str(book), str(builds_log)], cwd=tmp)
    with render_out.open("wb") as out:
        renderer = children.start([python, str(LOAD), "render", str(site / "html"), str(render_log)], cwd=tmp, stdout=out)
    load_ = HeavyLoad(burners, builder, renderer, builds_log, render_log, render_out)
    deadline = time.monotonic() + 120
    while not (render_log.exists() and render_log.stat().st_size):  # Chromium really renders before any round
        load_.alive()
        if time.monotonic() > deadline:
            raise SystemExit(f"soak: Chromium rendered no page in 120 s:\n{render_out.read_text(errors='replace')[-3000:]}")
        time.sleep(0.2)
    return load_


def run(args: argparse.Namespace, children: Children, where: list[str], tmp: Path) -> int:
    started_at = datetime.datetime.now(datetime.timezone.utc)
    book = copy_book(tmp / "book")
    project = load(book)
    blocks, broken = collect(project.pages, project.root)
    if broken:
        raise SystemExit("soak: broken blocks: " + "; ".join(f"{b.location}: {b.message}" for b in broken))
    if args.only:
        wanted = set(args.only.split(","))
        blocks = [b for b in blocks if wanted & {b.spec.snippet, b.spec.server}]
        if not blocks:
            raise SystemExit(f"soak: no output block runs {args.only}")
    settings = project.settings(use_cache=False)
    scenarios = [Scenario(n, r, [Tally(b) for b in blocks])
                 for n, r in (("idle", args.rounds), ("loaded", args.loaded_rounds), ("heavy", args.heavy_rounds))]
    idle, loaded, heavy = scenarios
    soak(idle, settings, where)

    where[0] = "the start of the loaded scenario"
    cores = os.cpu_count() or 2
    burners = [children.start([sys.executable, str(LOAD), "burn"], cwd=tmp) for _ in range(cores if loaded.rounds else 0)]
    soak(loaded, settings, where)
    children.stop()

    facts: dict[str, object] = {}
    if heavy.rounds:
        load_ = start_heavy_load(children, tmp, where)
        soak(heavy, settings, where, load_.alive)
        facts = load_.facts()
        where[0] = "stopping the heavy load"
        children.stop()
    facts["chromium"] = chromium_version(children)
    text = report(args, scenarios, facts, len(burners), started_at)
    print(text)
    target = ROOT / "bench" / "SOAK.md"
    if args.section:
        previous = target.read_text() if target.exists() else "# Soak\n"
        text = previous.split(f"\n## {args.section}\n")[0].rstrip("\n") + "\n\n" + text
    target.write_text(text)
    print(f"soak: written to {target.relative_to(ROOT)}")
    bad = any(s.total("mismatches") or s.total("timeouts") or s.unstable for s in scenarios)
    return 1 if bad else 0


def chromium_version(children: Children) -> str:
    if not Path(CHROMIUM).exists():
        return "not installed"
    done = children.run([CHROMIUM, "--version"], cwd=ROOT)
    named = [line for line in done.output.splitlines() if line.startswith("Chromium")]  # not the wrapper's noise
    return named[0].strip() if named else f"Chromium (version unknown, exit {done.returncode})"


def variants(tally: Tally, limit: int = 3) -> list[str]:
    """The most frequent output, and a short diff of each other one against it."""
    (common, n), *others = tally.forms.most_common()
    page = normalize(tally.block.text, tally.block.vary)
    lines = [f"`{tally.name}` `{tally.block.command.removeprefix('$ ')}`: "
             f"{len(tally.forms)} distinct outputs in {tally.runs} runs. The most frequent ({n} runs) "
             f"{'is' if common == page else 'is not'} the page's."]
    for form, count in others[:limit]:
        runs = f"{count} run{'s' if count > 1 else ''}"
        diff = difflib.unified_diff(common.split("\n"), form.split("\n"), "most frequent", f"variant ({runs})",
                                    n=1, lineterm="")
        lines += ["", "```diff", *list(diff)[:40], "```"]
    if len(others) > limit:
        lines.append(f"\n... and {len(others) - limit} more variants.")
    return lines


def report(args: argparse.Namespace, scenarios: list[Scenario], facts: dict[str, object], burners: int,
           started_at: datetime.datetime) -> str:
    idle, loaded, heavy = scenarios
    checks = len(heavy.tallies)
    traced = sum(1 for t in heavy.tallies if t.block.spec.trace)
    when = started_at.strftime("%Y-%m-%d %H:%M UTC")
    machine = (f"{platform.node()}, {platform.system()} {platform.release()}, {os.cpu_count()} cores, "
               f"Python {platform.python_version()}, {facts.get('chromium')}")
    what = f"{checks - traced} output blocks and the {traced} instrumented runs behind the timelines"
    h = "###" if args.section else "##"  # headings one level down inside a section
    if args.section:
        options = shlex.join(sys.argv[1:])
        only = f"the checks of {args.only.replace(',', ', ')} only" if args.only else "every check of the book"
        lines = [f"## {args.section}", "", f"`python bench/soak.py {options}` started {when} on {machine}: "
                 f"{only} ({what}), with no cache, all at once as a build runs them, round after round."]
    else:
        lines = ["# Soak", "", f"`make soak` started {when} on {machine}. Every check of the book ({what}) "
                 f"runs with no cache, all at once as a build runs them, round after round."]
    lines += [
        "",
        "| scenario | beside the listings | rounds | checks | seconds | load average | mismatches | timeouts "
        "| checks with more than one output |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    beside = {
        "idle": "nothing",
        "loaded": f"{burners} processes burning CPU",
        "heavy": f"{HEAVY_BURNERS} processes burning CPU, a clean build looping, Chromium rendering",
    }
    for s in (s for s in scenarios if s.rounds):
        load_average = f"{statistics.median(s.loads):.1f}"
        lines.append(f"| {s.name} | {beside[s.name]} | {s.rounds} | {s.rounds * checks} | {s.seconds:.0f} | "
                     f"{load_average} | {s.total('mismatches')} | {s.total('timeouts')} | {len(s.unstable)} |")
    lines += ["", "Load average: the median of the 1-minute load average taken after each round. The machine may "
              "be shared: other people's processes may run in every scenario, the idle one included."]
    if heavy.rounds:
        lines += ["", f"{h} The heavy-load scenario", ""]
        secs = heavy.round_seconds
        lines.append(
            f"{heavy.rounds} rounds in {heavy.seconds / 60:.1f} min (a round: median {statistics.median(secs):.1f} s, "
            f"longest {max(secs):.1f} s"
            + (f"; idle: median {statistics.median(idle.round_seconds):.1f} s). " if idle.rounds else "). ")
            + f"Beside them, all the time: {HEAVY_BURNERS} Python processes each burning a core's worth of CPU "
            f"(on {os.cpu_count()} cores); a second clean build of a copy of the book (removing its `_build`, as "
            f"`make clean` does, then `python -m bilingual.build`: both editions, its own listing runs) in a loop: "
            f"{facts['builds']} builds "
            f"finished, {facts['builds_failed']} failed, median {facts['build_seconds']:.0f} s each; headless "
            f"Chromium (through Playwright) loading and painting all of each page of an earlier build of that copy "
            f"(a full-page screenshot), page after page: {facts['renders']} pages rendered ({facts['pages']} "
            f"distinct), median {facts['render_seconds']:.1f} s each. The 1-minute load average after each round: "
            f"median {statistics.median(heavy.loads):.1f}, highest {max(heavy.loads):.1f}."
        )
        if facts.get("build_errors"):
            lines += ["", f"What failed in the {facts['builds_failed']} concurrent builds that failed (how many "
                      "times each error line was printed, both editions counted):", "",
                      "```text", str(facts["build_errors"]), "```"]
        lines += [
            "",
            "A run's output is counted as the build compares it: its transcript with the machine's paths "
            "replaced, normalized under the block's own `:vary:` and `:unordered:`, each `:any:` value as its kind; a run that timed out or "
            "exited otherwise than the block expects counts as an output of its own.",
            "",
            "| check (page:line) | command | runs | distinct outputs | mismatches | timeouts |",
            "| --- | --- | ---: | ---: | ---: | ---: |",
        ]
        for t in heavy.tallies:
            distinct = len(t.forms)
            lines.append(f"| {t.name} | `{t.block.command.removeprefix('$ ')}` | {t.runs} | "
                         f"{f'**{distinct}**' if distinct > 1 else distinct} | {t.mismatches} | {t.timeouts} |")
    for s in scenarios:
        if s.unstable:
            lines += ["", f"{h}# More than one output ({s.name})", ""]
            for t in s.unstable:
                lines += variants(t) + [""]
    odd = [(s, t) for s in scenarios for t in s.tallies if t.first_report]
    if odd:
        lines += ["", f"{h}# First report of each check that timed out or crashed", ""]
        for s, t in odd:
            lines += [f"{s.name}, {t.name}: {t.mismatches} mismatches, {t.timeouts} timeouts", "",
                      "```text", t.first_report, "```", ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=100, help="idle rounds (default 100)")
    parser.add_argument("--loaded-rounds", type=int, default=20, help="rounds with one CPU burner per core (default 20)")
    parser.add_argument("--heavy-rounds", type=int, default=200, help="rounds under the heavy load (default 200)")
    parser.add_argument("--only", metavar="SNIPPET[,SNIPPET]", help="only the checks that run these snippets")
    parser.add_argument("--section", metavar="TITLE",
                        help="add the results to bench/SOAK.md as a section with this title, instead of rewriting it")
    args = parser.parse_args()
    children = Children()
    where = ["the start"]
    return run_command("soak", children, where, lambda tmp: run(args, children, where, tmp),
                       also_stopped=" beside the listings (outputcheck stopped the listing runs under way)")


if __name__ == "__main__":
    sys.exit(main())
