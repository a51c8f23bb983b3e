"""Compare a block with a run, and say what to do when they differ.

Every report names the place (page and line), the snippet, the exact command, how the
run ended and what it printed, and the next command to run, so an author can fix the
problem without rerunning anything by hand.
"""

from __future__ import annotations

import difflib
import re
import signal
from collections.abc import Callable
from dataclasses import dataclass

from ..running import interpreters
from ..reading.blocks import OutputBlock
from ..declaring.normalize import HostPaths
from ..running.runner import RunResult

UPDATE_HINT = "make update-outputs"


@dataclass
class Verdict:
    """The outcome of checking one block against one run."""

    block: OutputBlock
    result: RunResult
    actual: str  # what the page should say: command line + sanitized output
    problem: str = ""  # "" when the block holds; else a one-line reason
    details: str = ""  # diff or captured output
    next_step: str = ""
    note: str = ""  # why a block that did not fail was not verified either
    target_line: int = 0  # the page line of what was compared: the block, or its variant
    expected: str = ""  # the transcript compared against (the block's or its variant's)
    flaky: bool = False  # the run failed, a fresh rerun passed: output varies undeclared
    strict: bool = True  # whether a flaky block fails the check (CI) or is only reported
    first: RunResult | None = None  # the failed first run, when this verdict is its rerun's
    update_note: str = ""  # what make update-outputs says about the run it writes (its optional lines)

    @property
    def ok(self) -> bool:
        return not self.problem

    @property
    def fails(self) -> bool:
        """Whether this verdict fails the build: any failure, a flaky block only in CI."""
        return not self.ok and (self.strict or not self.flaky)

    @property
    def verified(self) -> bool:
        return self.ok and not self.note

    @property
    def updatable(self) -> bool:
        """Only a clean drift may be written into a page; a crash or timeout may not."""
        return self.problem.startswith("output differs")

    def report(self) -> str:
        """The full failure message (empty when the block holds)."""
        if self.ok:
            return ""
        r = self.result
        how = _ending(r, self.block.role)
        lines = [
            f"{self.block.location}: {self.problem} [snippet {self.block.shown_snippet}]",
            f"  command: cd snippets && {self.block.command.removeprefix('$ ')}"
            + (f"   (with {self.block.spec.server}.py serving)" if self.block.spec.server and self.block.role == "main" else "")
            + (f"   (with {self.block.spec.filename} as client)" if self.block.role == "server" else "")
            + ("" if r.missing else f"   ({how}, {r.duration:.2f} s{', from cache' if r.cached else ''})"),
        ]
        if self.block.vary.declared or self.block.vary.host:
            lines.append(f"  may vary: {self.block.vary.label}")
        if self.details:
            lines.append(_indent(self.details))
        if self.next_step:
            lines.append(f"  next: {self.next_step}")
        return "\n".join(lines)


def _ending(result: RunResult, role: str) -> str:
    """How the run of a block's own program ended, in a reader's words."""
    if role == "server":
        if result.server_problem and not result.client_started:
            return "its client was not run"
        code = result.server_returncode
        return "killed after Ctrl-C" if code is None else _exit_words(code)
    if not result.client_started:
        return "not run"
    return "did not finish" if result.timed_out else _exit_words(result.returncode)


def _exit_words(code: int | None) -> str:
    if code is not None and code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"


def _indent(text: str, prefix: str = "  | ") -> str:
    return "\n".join(prefix + line for line in text.rstrip("\n").split("\n"))


#: A report shows at most this much of a run's output or of a diff: enough to act on,
#: never megabytes in a terminal.
SHOWN_LINES = 60
SHOWN_LINE_CHARS = 300


def _shorten(text: str, keep: str = "tail") -> str:
    lines = text.split("\n")
    clipped = [line if len(line) <= SHOWN_LINE_CHARS else line[:SHOWN_LINE_CHARS] + " [...]" for line in lines]
    if len(clipped) <= SHOWN_LINES:
        return "\n".join(clipped)
    hidden = len(clipped) - SHOWN_LINES
    if keep == "tail":
        return f"[... {hidden} earlier lines not shown]\n" + "\n".join(clipped[-SHOWN_LINES:])
    return "\n".join(clipped[:SHOWN_LINES]) + f"\n[... {hidden} more lines not shown]"


def transcript(block: OutputBlock, result: RunResult, host: HostPaths) -> str:
    """The page text a run stands for: the command line, then what it printed."""
    output = result.server_output if block.role == "server" else result.output
    body = host.sanitize(output).replace("\r\n", "\n").rstrip("\n")
    return block.command + ("\n" + body if body else "")


def check(
    block: OutputBlock,
    result: RunResult,
    host: HostPaths,
    timeout: float,
    update_hint: str = UPDATE_HINT,
) -> Verdict:
    """Decide whether ``result`` proves ``block``."""
    name = f"{block.shown_snippet}.py"
    returncode = result.server_returncode if block.role == "server" else result.returncode
    if result.missing:
        return Verdict(
            block, result, "",
            f"snippet {name} does not exist",
            next_step=f"create snippets/{block.spec.filename}"
            + (f" and snippets/{block.spec.server}.py" if block.spec.server else "")
            + ", or correct the block",
        )
    if result.unavailable:
        return Verdict(
            block, result, "",
            note=f"{block.location}: not verified here: {block.spec.python} is not installed "
            f"(the block keeps its text; install {block.spec.python} to check it)",
        )
    actual = transcript(block, result, host)
    captured = "captured output:\n" + _shorten(actual.split("\n", 1)[1] if "\n" in actual else "(nothing)")
    if result.server_problem and (block.role == "server" or not result.client_started):
        return _server_problem(block, result, actual, captured)
    if result.error:
        return Verdict(block, result, actual, f"could not run {name}: {result.error}", captured)
    if result.timed_out:
        return Verdict(
            block, result, actual,
            f"{name} ran past its timeout of {timeout:g} s and was killed after {result.duration:.1f} s, "
            f"with every process it started",
            captured,
            f"fix snippets/{name}, or give this block a larger ':timeout:' if it is meant to be slow",
        )
    if returncode != block.returncode:
        expected = "" if block.returncode == 0 else f" (the block expects {block.returncode})"
        last = next((line for line in reversed(actual.split("\n")[1:]) if line.strip()), "")
        return Verdict(
            block, result, actual,
            (f"{name} was {_exit_words(returncode)}" if (returncode or 0) < 0 else f"{name} exited with code {returncode}")
            + expected + (f": {last.strip()[:200]}" if last and (returncode or 0) > 0 else ""),
            captured,
            f"fix snippets/{name}; if the failure is the lesson, declare ':returncode: {returncode}' "
            f"on the block and run `{update_hint}`",
        )
    if result.truncated:
        return Verdict(
            block, result, actual, f"{name} printed more than the output limit; the page cannot show it", captured,
            f"make snippets/{name} print less",
        )
    expected, line = block.variant_for(interpreters.name_of(result.python)) if result.python else (block.text, block.line)
    # Matching and diffs live in their own modules (imported here so that this block is
    # all that changed in this file): what the block declares, in the page's own words.
    from .diffs import render
    from .matching import matches

    if matches(expected, actual, block.vary):
        return Verdict(block, result, actual, target_line=line, expected=expected)
    diff = _shorten(
        # the run's terminal is the one the block shows (a server's block: the server's)
        render(expected, actual, block.vary, f"expected ({block.page}:{line})", f"actual ({block.command.removeprefix('$ ')})"),
        keep="head",
    )
    where = f"{block.page}:{line}"
    return Verdict(
        block, result, actual,
        "output differs from the page" + ("" if line == block.line else f" (its variant at {where})"),
        diff,
        f"if the new output is right, run `{update_hint}`; otherwise fix snippets/{name}",
        target_line=line,
        expected=expected,
    )


def _server_problem(block: OutputBlock, result: RunResult, actual: str, captured: str) -> Verdict:
    """A server that never listened on its port, or did not stop after Ctrl-C.  On the
    client's block this only says the client was not run (it did nothing wrong)."""
    server = f"{block.spec.server}.py"
    if "did not stop" in result.server_problem:
        fix = (f"make snippets/{server} stop on Ctrl-C: catch KeyboardInterrupt around the loop, "
               f"close the server and return")
    elif "ended before" in result.server_problem:
        fix = f"fix snippets/{server} (its output is above)"
    else:
        fix = (f"make snippets/{server} listen on the port given in the environment variable "
               f"ECHO_PORT (int(os.environ['ECHO_PORT'])): each run gets a free port")
    if block.role == "server":
        return Verdict(block, result, actual, result.server_problem, captured, fix)
    return Verdict(
        block, result, actual, f"{block.spec.filename} was not run: {result.server_problem}", "",
        fix + f" (the server's own block reports its output)",
    )


def flaky(first: Verdict, rerun: Verdict, strict: bool) -> Verdict:
    """A block whose run failed once and matched in a fresh rerun.

    Its output changes from run to run in a way the block does not declare.  Writing
    either run into the page would only move the failure; the fix is a declaration of
    what varies, or a listing that does not vary.
    """
    a = first.actual.split("\n")
    b = rerun.actual.split("\n")
    moved = _moved_lines(a, b, first.block)
    details = [
        "first run, which differed from the page:",
        _indent(first.details or _shorten(first.actual), "  "),
        "fresh rerun, which matched the page:",
        _indent(_shorten(rerun.actual, keep="head"), "  "),
    ]
    if moved:
        details.append("lines that moved between the two runs (transcript line: first run -> rerun):")
        details += [f"  {i + 1} -> {j + 1}: {text}" for text, i, j in moved[:SHOWN_LINES]]
    elif first.result.returncode != rerun.result.returncode:
        details.append(f"exit code: {first.result.returncode} in the first run, {rerun.result.returncode} in the rerun")
    block = first.block
    return Verdict(
        block, rerun.result, rerun.actual,
        "flaky: the first run differed from the page, a fresh rerun matched it",
        "\n".join(details),
        "declare what varies on the block (':unordered: a-b' for lines whose order changes, ':vary:' for values) "
        "or make the listing deterministic; do not run `make update-outputs`: it would only write one of the "
        "varying outputs into the page",
        target_line=rerun.target_line, expected=rerun.expected, flaky=True, strict=strict, first=first.result,
    )


def _moved_lines(a: list[str], b: list[str], block: OutputBlock | None = None) -> list[tuple[str, int, int]]:
    """Lines that really moved between two runs, and that the block does not let move:
    (text, index in a, index in b).  A line moved when its order with another line
    changed; one that only shifted because lines were inserted before it did not.  Lines
    of a declared unordered group, optional lines and lines of a joined group may move,
    so they neither count as moved nor make others count."""
    allowed = _allowed_to_move(block)
    where_b = {line: j for j, line in enumerate(b) if b.count(line) == 1}
    common = [(i, where_b[line], line) for i, line in enumerate(a)
              if a.count(line) == 1 and line in where_b and not allowed(line)]
    moved = []
    for i, j, line in common:
        if any((i < k) != (j < m) for k, m, _ in common if k != i):
            moved.append((line, i, j))
    return moved


def _allowed_to_move(block: OutputBlock | None) -> Callable[[str], bool]:
    """Whether the block's declarations let a line come, go or move."""
    if block is None:
        return lambda line: False
    vary = block.vary
    patterns = [re.compile(p) for p in (*vary.shuffled, *vary.joined, *(o.pattern for o in vary.optional))]
    lines = block.text.split("\n")
    ranged = {lines[k] for a, b in vary.unordered for k in range(a - 1, min(b, len(lines)))}
    return lambda line: line in ranged or any(p.fullmatch(line) for p in patterns)
