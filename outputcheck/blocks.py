"""An output block: the transcript a page promises, and how to check it.

The page holds the text exactly as a reader sees it, starting with the command line::

    $ python3 asyncio_coroutine.py
    Starting coroutine
    ...

The command line names the snippet, so a block cannot silently show one file's output
under another file's name.  Options say what may vary between runs and how the run
should end.  Both the Sphinx directive and the page scanner (pytest, update mode) build
blocks with :func:`make_block`, so they agree on what a block means.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

from .normalize import VarySpec, parse_unordered, parse_vary
from .runner import RunSpec

PROMPT = "$ "
OPTION_NAMES = ("vary", "unordered", "returncode", "timeout", "warnings", "server", "client")


class BlockError(ValueError):
    """A block that cannot be checked as written; the message says how to fix it."""


@dataclass(frozen=True)
class OutputBlock:
    """One output block of one page."""

    page: Path
    line: int  # 1-based line of the directive's opening fence
    text: str  # the transcript as written, command line included
    spec: RunSpec
    vary: VarySpec = field(default_factory=VarySpec)
    returncode: int = 0
    timeout: float | None = None  # None: the configured default
    role: str = "main"  # "server": the block shows the server's terminal of a client run

    @property
    def location(self) -> str:
        return f"{self.page}:{self.line}"

    @property
    def command(self) -> str:
        return self.text.split("\n", 1)[0]

    @property
    def shown_snippet(self) -> str:
        """The snippet whose terminal this block shows."""
        return self.spec.server if self.role == "server" else self.spec.snippet


def parse_command(first_line: str) -> RunSpec:
    """``$ python3 name.py [args]`` -> RunSpec; anything else is a BlockError."""
    if not first_line.startswith(PROMPT):
        raise BlockError(
            f"an output block starts with the command a reader types, "
            f"for example '$ python3 asyncio_coroutine.py'; found {first_line!r}"
        )
    try:
        words = shlex.split(first_line[len(PROMPT) :])
    except ValueError as exc:
        raise BlockError(f"cannot read the command line {first_line!r}: {exc}") from None
    if len(words) < 2 or not re.fullmatch(r"python3(\.\d+)?", words[0]) or not words[1].endswith(".py"):
        raise BlockError(
            f"the command must be 'python3 <snippet>.py [arguments]' (or python3.N for one "
            f"Python version); found {first_line!r}"
        )
    name = words[1][: -len(".py")]
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        raise BlockError(f"{words[1]!r} is not a snippet file name (a module in snippets/)")
    return RunSpec(name, tuple(words[2:]), words[0])


WARNING_MODES = ("error", "default")


def make_block(page: Path, line: int, content: str, options: dict[str, str]) -> OutputBlock:
    """Build a block from a directive's content and options, or raise BlockError."""
    unknown = set(options) - set(OPTION_NAMES)
    if unknown:
        raise BlockError(
            f"unknown option(s) {', '.join(sorted(unknown))}; "
            f"an output block takes {', '.join(OPTION_NAMES)}"
        )
    text = content.replace("\r\n", "\n").rstrip("\n")
    if not text.strip():
        raise BlockError("the output block is empty; it needs at least the command line")
    spec = parse_command(text.split("\n", 1)[0])
    warnings = options.get("warnings", "error") or "error"
    if warnings not in WARNING_MODES:
        raise BlockError(
            f":warnings: is 'error' (DeprecationWarning fails the run, the default) or 'default' "
            f"(Python's own filters, for a historical listing); not {warnings!r}"
        )
    role = "main"
    server, client = _snippet_option(options, "server"), _snippet_option(options, "client")
    if server and client:
        raise BlockError("a block shows one terminal: give :server: (on the client's block) or :client: (on the server's)")
    if server:
        spec = RunSpec(spec.snippet, spec.args, spec.python, warnings, server=server)
    elif client:
        if spec.args:
            raise BlockError("a server's command line takes no arguments here")
        spec = RunSpec(client, (), spec.python, warnings, server=spec.snippet)
        role = "server"
    else:
        spec = RunSpec(spec.snippet, spec.args, spec.python, warnings)
    try:
        returncode = int(options.get("returncode", "0") or "0")
    except ValueError:
        raise BlockError(f":returncode: must be an integer, not {options['returncode']!r}") from None
    timeout = None
    if options.get("timeout"):
        try:
            timeout = float(options["timeout"])
        except ValueError:
            raise BlockError(f":timeout: must be seconds, not {options['timeout']!r}") from None
        if timeout <= 0:
            raise BlockError(":timeout: must be positive")
    nlines = text.count("\n") + 1
    try:
        vary = VarySpec(
            kinds=parse_vary(options.get("vary", "")),
            unordered=parse_unordered(options.get("unordered", ""), nlines),
        )
    except ValueError as exc:
        raise BlockError(str(exc)) from None
    return OutputBlock(page, line, text, spec, vary, returncode, timeout, role)


def _snippet_option(options: dict[str, str], name: str) -> str:
    value = (options.get(name) or "").strip().removesuffix(".py")
    if name in options and not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", value):
        raise BlockError(f":{name}: names a snippet (a file in snippets/), not {options[name]!r}")
    return value
