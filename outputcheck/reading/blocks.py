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

import hashlib
import re
import shlex
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..declaring.declarations import declarations
from ..declaring.normalize import VarySpec
from ..running.runner import RunSpec

PROMPT = "$ "
OPTION_NAMES = (
    "vary", "any", "optional", "joined", "unordered", "host",
    "returncode", "timeout", "warnings", "server", "client", "pythons", "timeline",
)
FLAG_OPTIONS = ("timeline",)  # options that take no value


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
    pythons: tuple[str, ...] = ()  # interpreters `make matrix` checks it on (empty: the project's)
    variants: tuple[tuple[str, str, str, int], ...] = ()  # (python3.N, transcript, why, line)
    timeline: bool = False  # the page also shows a timeline drawn from an instrumented run

    def instrumented(self) -> OutputBlock:
        """The same promise, checked against an instrumented run of the same file: what it
        prints must match the page too, and its record draws the timeline."""
        return replace(self, spec=replace(self.spec, trace=True))

    @property
    def identity(self) -> str:
        """What the block promises (command, text, how it compares), as a short digest."""
        material = repr((self.spec, self.text, self.vary, self.returncode, self.role, self.variants))
        return hashlib.sha256(material.encode()).hexdigest()[:16]

    def variant_for(self, python: str) -> tuple[str, int]:
        """(transcript, page line) expected from ``python3.N``: its variant, or the block."""
        return next(((text, line) for name, text, _, line in self.variants if name == python), (self.text, self.line))

    def with_variant(self, python: str, text: str, why: str, line: int) -> OutputBlock:
        text = text.replace("\r\n", "\n").rstrip("\n")
        if any(v[0] == python for v in self.variants):
            raise BlockError(f"the block already has a variant for {python}")
        if text.split("\n", 1)[0] != self.command:
            raise BlockError(f"a variant starts with the block's own command line, {self.command!r}")
        if not why.strip():
            raise BlockError("a variant says why the output differs on that version (:reason:)")
        return replace(self, variants=(*self.variants, (python, text, why, line)))

    @property
    def location(self) -> str:
        return f"{self.page}:{self.line}"

    @property
    def command(self) -> str:
        return self.text.split("\n", 1)[0].rstrip()

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
    if not SNIPPET_NAME.fullmatch(name):
        raise BlockError(f"{words[1]!r} is not a snippet file name (a module in snippets/)")
    return RunSpec(name, tuple(words[2:]), words[0])


SNIPPET_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def snippet_path(snippets_dir: Path, name: str) -> Path:
    """The file of snippet ``name``: a module directly in ``snippets_dir``, nothing else.

    A page shows and runs files of ``snippets/`` only: no folder in the name, no ``..``,
    no absolute path, and no symlink that leads out of the folder, so no other file of
    the project or the machine can reach a page or the downloads of the site.
    """
    if not SNIPPET_NAME.fullmatch(name):
        raise BlockError(
            f"{name!r} is not a snippet name: name a module directly in snippets/, like 'asyncio_coroutine' "
            f"(no folder, no '..', no absolute path)"
        )
    path = snippets_dir / f"{name}.py"
    if path.is_symlink() or path.exists():
        target = path.resolve()
        if not target.is_relative_to(snippets_dir.resolve()):
            raise BlockError(
                f"snippets/{name}.py leads outside snippets/ (to {target}); a page shows and runs only "
                f"files inside snippets/: copy the file there instead of linking it"
            )
    return path


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
        vary = declarations(options, nlines)
    except ValueError as exc:
        raise BlockError(str(exc)) from None
    pythons = parse_pythons(options.get("pythons", ""))
    timeline = "timeline" in options
    if timeline and (spec.server or role == "server"):
        raise BlockError(":timeline: draws one program's event loop; a client/server run has two")
    return OutputBlock(page, line, text, spec, vary, returncode, timeout, role, pythons, timeline=timeline)


def parse_pythons(value: str) -> tuple[str, ...]:
    """``"3.8, 3.9"`` -> ("python3.8", "python3.9")."""
    names = []
    for item in filter(None, (v.strip() for v in value.replace(",", " ").split())):
        if not re.fullmatch(r"(python)?3\.\d+", item):
            raise BlockError(f":pythons: lists versions like '3.11, 3.12', not {item!r}")
        names.append(item if item.startswith("python") else f"python{item}")
    return tuple(names)


def parse_variant_version(argument: str) -> str:
    """``3.13`` -> ``python3.13`` (the argument of an output-variant)."""
    names = parse_pythons(argument)
    if len(names) != 1:
        raise BlockError(f"an output variant is for one Python version, like '3.13'; got {argument!r}")
    return names[0]


def _snippet_option(options: dict[str, str], name: str) -> str:
    value = (options.get(name) or "").strip().removesuffix(".py")
    if name in options and not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", value):
        raise BlockError(f":{name}: names a snippet (a file in snippets/), not {options[name]!r}")
    return value
