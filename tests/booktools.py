"""A small throwaway book for the tests, built for real with sphinx.testing."""

from __future__ import annotations

import os
import textwrap
from dataclasses import dataclass, field
from io import StringIO
from collections.abc import Callable
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po
from sphinx.testing.util import SphinxTestApp

CONF = '''
extensions = ["myst_parser", "outputcheck.sphinx_ext"]
exclude_patterns = ["_build", "_cache", "snippets"]
outputcheck_snippets = "snippets"
outputcheck_cache = "_cache"
outputcheck_timeout = 20
'''

PYPROJECT = '''
[tool.outputcheck]
pages = "."
snippets = "snippets"
cache = "_cache"
timeout = 20
'''


@dataclass
class Built:
    """The outcome of one build."""

    status: int
    out: str
    warnings: str
    reread: list[str] = field(default_factory=list)

    def html(self, root: Path, page: str = "page") -> str:
        return (root / "_build" / "html" / f"{page}.html").read_text(encoding="utf-8")


class Book:
    """A tiny project: conf.py, an index, pages and snippets, in a temporary folder."""

    def __init__(self, root: Path) -> None:
        self.root = root
        (root / "snippets").mkdir(parents=True)
        (root / "conf.py").write_text(CONF)
        (root / "pyproject.toml").write_text(PYPROJECT)
        self.pages: list[str] = []
        self._write_index()

    def _write_index(self) -> None:
        toc = "\n".join(self.pages)
        (self.root / "index.md").write_text(f"# Book\n\n```{{toctree}}\n{toc}\n```\n")

    def snippet(self, name: str, code: str) -> Path:
        path = self.root / "snippets" / f"{name}.py"
        path.write_text(textwrap.dedent(code).lstrip())
        return path

    def page(self, name: str, text: str) -> Path:
        path = self.root / f"{name}.md"
        path.write_text(textwrap.dedent(text).lstrip())
        if name not in self.pages:
            self.pages.append(name)
            self._write_index()
        return path

    def build(self, **overrides: object) -> Built:
        status, warning = StringIO(), StringIO()
        app = SphinxTestApp(
            "html", srcdir=self.root, status=status, warning=warning, confoverrides=dict(overrides)
        )
        reread: list[str] = []
        app.connect("env-before-read-docs", lambda app, env, docnames: reread.extend(sorted(docnames)))
        try:
            app.build()
        finally:
            app.cleanup()
        return Built(app.statuscode, status.getvalue(), warning.getvalue(), reread)


HELLO = '''
import sys
print("hello")
print("to stderr", file=sys.stderr)
print("done")
'''

HELLO_PAGE = '''
# Page

```{listing} hello
```

Text between.

```{output}
$ python3 hello.py
hello
to stderr
done
```
'''


def write_catalog(path: Path, entries: dict[str, str], fuzzy: frozenset[str] | set[str] = frozenset()) -> None:
    """An English catalog of a throwaway bilingual book (``fuzzy``: entries so marked)."""
    catalog = Catalog(locale="en")
    for msgid, msgstr in entries.items():
        catalog.add(msgid, msgstr, flags=["fuzzy"] if msgid in fuzzy else [])
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalog)


def build_edition(root: Path, language: str, builddir: Path, builder: str = "html") -> tuple[int, str, str]:
    """One edition of a throwaway book, built in-process: (status, output, warnings)."""
    status, warning = StringIO(), StringIO()
    app = SphinxTestApp(
        builder, srcdir=root, builddir=builddir, confoverrides={"language": language}, status=status, warning=warning
    )
    try:
        app.build()
    finally:
        app.cleanup()
    return app.statuscode, status.getvalue(), warning.getvalue()


def alive(pid: int) -> bool:
    """Whether a process still exists and is not a zombie waiting to be reaped."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:  # gone meanwhile
        return False
    return not stat.rsplit(") ", 1)[1].startswith("Z")


def processes_under(folder: Path) -> list[str]:
    """Processes (other than this one) working in ``folder`` or naming it on their command
    line: the builds, listings and servers of a throwaway book.  Read from /proc."""
    found = []
    inside = str(folder.resolve())
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cwd = os.readlink(entry / "cwd")
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
        except OSError:
            continue
        if not alive(int(entry.name)):
            continue
        if cwd == inside or cwd.startswith(inside + os.sep) or inside in cmdline:
            found.append(f"{entry.name} {cmdline.strip()}")
    return found


BOOK_PARTS = ["docs", "snippets", "outputcheck", "bilingual", "reader", "timeline", "conf.py", "pyproject.toml", "Makefile"]


def copy_of_the_book(dest: Path) -> Path:
    """A private copy of the real book (pages, snippets, tools), to run its commands on."""
    import shutil

    root = Path(__file__).resolve().parent.parent
    for name in BOOK_PARTS:
        src = root / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
        else:
            shutil.copy2(src, dest / name)
    return dest


def make(*args: str) -> list[str]:
    """``make`` with the book's own virtualenv, never reinstalled from a copy (``-o``)."""
    venv = Path(__file__).resolve().parent.parent / ".venv"
    return ["make", *args, f"VENV={venv}", "-o", f"{venv}/.installed"]


def wait_for(condition: Callable[[], object], timeout: float = 30.0, what: str = "a condition") -> None:
    """Poll ``condition`` until it holds; fail naming ``what`` after ``timeout`` seconds."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")


#: How soon an interrupted command must be gone with everything it started, in a test.
#: The promise is 2 s, and ``make bench`` measures it (median of several interrupts);
#: tests run on a shared, often overloaded machine, so they allow more, while still far
#: less than anything that waits (a server's 5 s grace, a listing's 30 s timeout).
STOPPED_WITHIN = 4.5
