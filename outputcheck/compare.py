"""Compare a block with a run, and say what to do when they differ.

Every report names the place (page and line), the snippet, the exact command, how the
run ended and what it printed, and the next command to run, so an author can fix the
problem without rerunning anything by hand.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from . import interpreters
from .blocks import OutputBlock
from .normalize import HostPaths, normalize
from .runner import RunResult

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

    @property
    def ok(self) -> bool:
        return not self.problem

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
        how = "did not finish" if r.timed_out else f"exit code {r.returncode}"
        lines = [
            f"{self.block.location}: {self.problem} [snippet {self.block.shown_snippet}]",
            f"  command: cd snippets && {self.block.command.removeprefix('$ ')}"
            + (f"   (with {self.block.spec.server}.py serving)" if self.block.spec.server and self.block.role == "main" else "")
            + (f"   (with {self.block.spec.filename} as client)" if self.block.role == "server" else "")
            + ("" if r.missing else f"   ({how}, {r.duration:.2f} s{', from cache' if r.cached else ''})"),
        ]
        if self.block.vary.kinds or self.block.vary.unordered:
            lines.append(f"  may vary: {self.block.vary.label}")
        if self.details:
            lines.append(_indent(self.details))
        if self.next_step:
            lines.append(f"  next: {self.next_step}")
        return "\n".join(lines)


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
    if result.error:
        return Verdict(block, result, actual, f"could not run {name}: {result.error}", captured)
    if result.timed_out:
        return Verdict(
            block, result, actual,
            f"{name} ran past its timeout of {timeout:g} s and was killed with every process it started",
            captured,
            f"fix snippets/{name}, or give this block a larger ':timeout:' if it is meant to be slow",
        )
    if returncode != block.returncode:
        expected = "" if block.returncode == 0 else f" (the block expects {block.returncode})"
        return Verdict(
            block, result, actual,
            f"{name} exited with code {returncode}{expected}",
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
