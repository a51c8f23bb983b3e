"""The Sphinx side: ``{listing}`` shows a snippet, ``{output}`` shows and proves its run.

Directives only collect (like ``sphinx.ext.doctest``): ``{listing}`` reads a part of a
snippet file and records the file as a dependency of the page; ``{output}`` renders the
transcript written in the page and records the block.  After all pages are read, one
step runs every distinct command (in parallel, through the shared cache), compares
each block with its run and reports every mismatch of the build with its page and
line.  The build then finishes writing, and exits non-zero if anything failed.
"""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.directives.code import container_wrapper  # for a custom :caption:
from sphinx.environment import BuildEnvironment
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from . import __version__
from .blocks import BlockError, OutputBlock, make_block, parse_variant_version
from . import interpreters, timelines
from .cache import write_atomic
from .check import Settings, cached_results, check_blocks
from .config import load
from .imports import local_sources
from .listing import ListingError, excerpt
from .matrix import fresh_versions, load_record

logger = logging.getLogger(__name__)


#: Settings of each running build, by environment (the environment itself is pickled,
#: settings are read fresh from conf.py and pyproject.toml every build).
_ACTIVE: dict[int, tuple[Settings, Path, Path]] = {}  # settings, confdir, matrix record


def _settings(app: Sphinx) -> Settings:
    """Settings from conf.py, falling back to the project's pyproject.toml."""
    project = load(Path(app.confdir))
    c = app.config
    base = Path(app.confdir)
    return Settings(
        snippets_dir=(base / c.outputcheck_snippets) if c.outputcheck_snippets else project.snippets,
        cache_dir=None if c.outputcheck_cache == "" else (
            (base / c.outputcheck_cache) if c.outputcheck_cache else project.cache
        ),
        timeout=float(c.outputcheck_timeout or project.timeout),
        update_hint=c.outputcheck_update_hint or project.update_hint,
        jobs=c.outputcheck_jobs or None,
        trace_site=project.trace_site,
    )


def _blocks(env: BuildEnvironment) -> dict[str, list[OutputBlock]]:
    """Blocks per page, kept in the environment so unchanged pages keep theirs."""
    if not hasattr(env, "outputcheck_blocks"):
        env.outputcheck_blocks = {}  # type: ignore[attr-defined]
    return env.outputcheck_blocks  # type: ignore[attr-defined,no-any-return]


def _errors(env: BuildEnvironment) -> dict[str, list[tuple[int, str]]]:
    """Directive errors per page, kept like the blocks: an unchanged broken page fails
    every build, not only the one that read it."""
    if not hasattr(env, "outputcheck_errors"):
        env.outputcheck_errors = {}  # type: ignore[attr-defined]
    return env.outputcheck_errors  # type: ignore[attr-defined,no-any-return]


#: Words the tool itself puts on pages, per edition (not page text: no catalog needed).
LABELS = {
    "ko": {"download": "내려받기", "run": "실행", "verified": "{versions}에서 확인", "unverified": "이 컴퓨터에서 확인하지 못함"},
    "en": {"download": "download", "run": "Run", "verified": "verified on {versions}", "unverified": "not verified on this machine"},
}


def label_for(language: str | None, key: str, **values: str) -> str:
    table = LABELS.get(language or "en", LABELS["en"])
    return table[key].format(**values)


class verified_on(nodes.inline):
    """Filled after the runs: the Python version(s) an output block was verified on."""


class timeline_slot(nodes.General, nodes.Element):
    """Where the timeline of an instrumented run goes, once that run is done."""


class SnippetDirective(SphinxDirective):
    """Shared: find the snippet file and make the page depend on it."""

    def captioned(self, block: nodes.literal_block, title: str, kind: str) -> nodes.container:
        """A block with a caption that is not translatable (file names, commands)."""
        container = nodes.container("", literal_block=True, classes=["literal-block-wrapper", kind])
        caption = nodes.caption(title, "")
        caption += nodes.Text(title)
        caption["translatable"] = False
        self.set_source_info(caption)
        container += caption
        container += block
        return container

    def snippet_path(self, name: str) -> Path:
        settings, _, _ = _ACTIVE[id(self.env)]
        return settings.snippets_dir / f"{name}.py"

    def depend_on(self, script: Path) -> None:
        for path in local_sources(script):
            self.env.note_dependency(str(path))

    def record_error(self, message: str) -> None:
        _errors(self.env).setdefault(self.env.docname, []).append((self.lineno, message))

    def shown_page(self) -> str:
        path = self.env.doc2path(self.env.docname)
        _, confdir, _ = _ACTIVE[id(self.env)]
        return os.path.relpath(path, confdir)


class ListingDirective(SnippetDirective):
    """Show all or part of ``snippets/<name>.py`` with its file name as caption."""

    required_arguments = 1
    has_content = False
    option_spec: ClassVar[dict[str, Any]] = {
        "pyobject": directives.unchanged_required,
        "region": directives.unchanged_required,
        "lines": directives.unchanged_required,
        "dedent": directives.unchanged,
        "emphasize-lines": directives.unchanged_required,
        "caption": directives.unchanged_required,
        "linenos": directives.flag,
        "name": directives.unchanged,
    }

    def run(self) -> list[nodes.Node]:
        name = self.arguments[0].removesuffix(".py")
        script = self.snippet_path(name)
        self.env.note_dependency(str(script))  # so creating the file later re-reads the page
        if not script.is_file():
            return self._error(f"listing: snippet {name}.py not found in {script.parent}; create it or fix the name")
        self.depend_on(script)
        dedent_opt = self.options.get("dedent", False)
        dedent: int | bool | None = False
        if "dedent" in self.options:
            dedent = int(dedent_opt) if dedent_opt else True
        try:
            part = excerpt(
                script,
                pyobject=self.options.get("pyobject"),
                region=self.options.get("region"),
                lines=self.options.get("lines"),
                dedent=dedent,
            )
        except (ListingError, SyntaxError, ValueError) as exc:
            return self._error(f"listing {name}.py: {exc}")
        node = nodes.literal_block(part.text, part.text, source=str(script))
        node["language"] = "python"
        node["classes"].append("listing")
        highlight: dict[str, Any] = {}
        if "emphasize-lines" in self.options:
            from sphinx.util import parselinenos

            count = part.text.count("\n") + 1
            try:
                highlight["hl_lines"] = [i + 1 for i in parselinenos(self.options["emphasize-lines"], count)]
            except ValueError as exc:
                return self._error(f"listing {name}.py: :emphasize-lines: {exc}")
        if "linenos" in self.options:
            if not part.contiguous:
                return self._error(f"listing {name}.py: :linenos: needs a selection without region markers inside")
            node["linenos"] = True
            highlight["linenostart"] = part.first_line
        node["highlight_args"] = highlight
        self.set_source_info(node)
        if "caption" in self.options:
            wrapped = container_wrapper(self, node, self.options["caption"])
        else:
            wrapped = self.captioned(node, f"{name}.py", "listing-container")
        self.add_download(wrapped, script)
        self.add_name(wrapped)
        return [wrapped]

    def add_download(self, container: nodes.Element, script: Path) -> None:
        """A link that serves the snippet file itself (Sphinx copies it to _downloads/)."""
        caption = next(iter(container.findall(nodes.caption)))
        target = os.path.relpath(script, Path(self.env.doc2path(self.env.docname)).parent)
        label = label_for(self.config.language, "download")
        link = addnodes.download_reference("", "", reftarget=target, refdoc=self.env.docname, refexplicit=True)
        link["classes"].append("listing-download")
        link += nodes.inline(label, label)
        caption += nodes.Text(" ")
        caption += link

    def _error(self, message: str) -> list[nodes.Node]:
        self.record_error(message)
        return []


class OutputDirective(SnippetDirective):
    """The transcript of a run, as the reader sees it; checked after reading."""

    has_content = True
    option_spec: ClassVar[dict[str, Any]] = {
        "vary": directives.unchanged,
        "unordered": directives.unchanged,
        "returncode": directives.unchanged,
        "timeout": directives.unchanged,
        "warnings": directives.unchanged,
        "server": directives.unchanged,
        "client": directives.unchanged,
        "pythons": directives.unchanged,
        "timeline": directives.flag,
    }

    def run(self) -> list[nodes.Node]:
        text = "\n".join(self.content)
        try:
            block = make_block(Path(self.shown_page()), self.lineno, text, dict(self.options))
        except (BlockError, ValueError) as exc:
            self.record_error(f"output block: {exc}")
        else:
            for name in filter(None, [block.spec.snippet, block.spec.server]):
                script = self.snippet_path(name)
                self.env.note_dependency(str(script))
                self.depend_on(script)
            _blocks(self.env).setdefault(self.env.docname, []).append(block)
            if block.timeline:
                _blocks(self.env)[self.env.docname].append(block.instrumented())
        node = nodes.literal_block(text, text)
        node["language"] = "console"
        node["classes"].append("output")
        self.set_source_info(node)
        command = text.split("\n", 1)[0].removeprefix("$ ").strip()
        container = self.captioned(node, f"{label_for(self.config.language, 'run')}: {command}", "output-container")
        caption = next(iter(container.findall(nodes.caption)))
        caption += nodes.Text(" ")
        caption += verified_on("", "", classes=["verified-on"], line=self.lineno)
        if "timeline" in self.options:
            return [container, timeline_slot("", snippet=command.split()[1] if " " in command else command, line=self.lineno)]
        return [container]


class OutputVariantDirective(SnippetDirective):
    """What the block before it prints on one Python version, and why."""

    required_arguments = 1
    has_content = True
    option_spec: ClassVar[dict[str, Any]] = {"reason": directives.unchanged_required}

    def run(self) -> list[nodes.Node]:
        text = "\n".join(self.content)
        blocks = _blocks(self.env).get(self.env.docname, [])
        try:
            python = parse_variant_version(self.arguments[0])
            plain = [i for i, b in enumerate(blocks) if not b.spec.trace]
            if not plain:
                raise BlockError("an output-variant follows the output block it is a variant of")
            last = plain[-1]
            blocks[last] = blocks[last].with_variant(python, text, self.options.get("reason", ""), self.lineno)
            if blocks[last].timeline and last + 1 < len(blocks):
                blocks[last + 1] = blocks[last].instrumented()
        except BlockError as exc:
            self.record_error(f"output variant: {exc}")
            python = self.arguments[0]
        node = nodes.literal_block(text, text)
        node["language"] = "console"
        node["classes"].append("output")
        self.set_source_info(node)
        container = self.captioned(node, f"{python.removeprefix('python')}: {label_for(self.config.language, 'run')}", "output-variant")
        reason = self.options.get("reason", "")
        if reason:
            paragraph = nodes.paragraph(reason, "", nodes.Text(reason), classes=["variant-reason"])
            self.set_source_info(paragraph)
            container.insert(1, paragraph)
        return [container]


def purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    _blocks(env).pop(docname, None)
    _errors(env).pop(docname, None)


def merge(app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment) -> None:
    for table in (_blocks, _errors):
        mine, theirs = table(env), table(other)
        for docname in docnames & set(theirs):
            mine[docname] = theirs[docname]  # type: ignore[index]


def verify(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """After reading: report directive errors, decide each run's caption, and start
    running and comparing every block of the book in the background.

    The pages are written meanwhile; the verdicts are reported when the build ends
    (:func:`finish`), which fails the build if any block failed.  A caption lists the
    Pythons a block is proven on: this build's, and the matrix record's while fresh.
    """
    blocks = [b for docname in sorted(_blocks(env)) for b in _blocks(env)[docname]]
    errors = [(d, line, msg) for d in sorted(_errors(env)) for line, msg in _errors(env)[d]]
    settings, confdir, record_path = _ACTIVE[id(env)]
    for docname, line, message in errors:
        page = os.path.relpath(env.doc2path(docname), confdir)
        logger.error(f"{page}:{line}: {message}", type="outputcheck", subtype="directive")
    app._outputcheck_failures = len(errors)  # type: ignore[attr-defined]
    app._outputcheck_pending = None  # type: ignore[attr-defined]
    if not blocks:
        return []
    if not app.config.outputcheck_execute:
        logger.info(f"outputcheck: {len(blocks)} output blocks, not checked (outputcheck_execute is off)")
        return []
    changed = _record_versions(env, blocks, load_record(record_path), settings, record_path)
    stamp = _stamp(blocks, settings)
    marker = Path(app.doctreedir) / "outputcheck-verified"
    try:
        unchanged = marker.read_text() == stamp
    except OSError:
        unchanged = False
    traced = [b for b in blocks if b.spec.trace]
    earlier = cached_results(traced, settings) if unchanged else None
    if unchanged and earlier is not None:
        app._outputcheck_traces = {(b.page, b.line): earlier[b.spec].trace for b in traced}  # type: ignore[attr-defined]
        logger.info(
            f"outputcheck: {len(blocks)} output blocks, all verified by an earlier build and nothing "
            f"they depend on has changed (nothing ran)"
        )
        return changed
    marker.unlink(missing_ok=True)
    holder: dict[str, Any] = {"stamp": stamp, "marker": marker}

    def work() -> None:
        try:
            holder["done"] = check_blocks(blocks, settings)
        except BaseException as exc:  # reported by finish()
            holder["error"] = exc

    thread = threading.Thread(target=work, name="outputcheck", daemon=True)
    thread.start()
    app._outputcheck_pending = (thread, holder, len(blocks))  # type: ignore[attr-defined]
    return changed


def _record_versions(
    env: BuildEnvironment, blocks: list[OutputBlock], matrix: dict[str, dict], settings: Settings, record_path: Path
) -> list[str]:
    """The Pythons each block's caption names; pages whose list changed are written
    again even if their source did not change."""
    shown: dict[str, dict[int, str]] = {}
    pages = {b.page: d for d, bs in _blocks(env).items() for b in bs}
    stale = []
    for block in blocks:
        if block.spec.trace:
            continue  # the instrumented twin of a block: the block's caption speaks for both
        python = interpreters.find(block.spec.python, settings.python)
        versions: list[str] = []
        if python is not None:
            versions.append(interpreters.version(python))
            recorded = fresh_versions(matrix, block, settings.snippets_dir)
            if recorded is None:
                stale.append(block.location)
            else:
                versions = sorted(set(versions) | set(recorded), key=lambda v: tuple(int(p) for p in v.split(".")))
        shown.setdefault(pages[block.page], {})[block.line] = ", ".join(versions)
    if stale:
        logger.info(
            f"outputcheck: the verification record {record_path.name} is stale for {len(stale)} block(s) "
            f"({', '.join(stale[:3])}{', ...' if len(stale) > 3 else ''}): their pages show only this build's "
            f"Python; run `make matrix` to verify them on every supported Python"
        )
    previous = getattr(env, "outputcheck_versions", {})
    env.outputcheck_versions = shown  # type: ignore[attr-defined]
    return sorted(d for d in shown if previous.get(d) != shown[d])


def _stamp(blocks: list[OutputBlock], settings: Settings) -> str:
    """Everything a set of verdicts depends on, cheaply: the blocks as written, the size
    and time of every file in snippets/, the interpreters and this tool's version.  Equal
    to the stamp of the last build whose blocks all passed: that build's verdicts stand."""
    files = sorted(
        (p.name, p.stat().st_size, p.stat().st_mtime_ns)
        for p in settings.snippets_dir.glob("*.py")
    )
    pythons = sorted({interpreters.find(b.spec.python, settings.python) or "" for b in blocks})
    stamps = [(p, os.stat(p).st_mtime_ns if p and os.path.exists(p) else 0) for p in pythons]
    material = repr((__version__, sorted(b.identity for b in blocks), files, stamps, settings.timeout, settings.extra_env))
    return hashlib.sha256(material.encode()).hexdigest()


def _report(app: Sphinx) -> None:
    """Wait for the background check and report every verdict of the build."""
    pending = getattr(app, "_outputcheck_pending", None)
    if not pending:
        return
    thread, holder, count = pending
    thread.join()
    app._outputcheck_pending = None  # type: ignore[attr-defined]
    if "error" in holder:
        raise holder["error"]
    verdicts, batch = holder["done"]
    app._outputcheck_traces = {  # type: ignore[attr-defined]
        (v.block.page, v.block.line): v.result.trace for v in verdicts if v.block.spec.trace and v.ok and v.result.trace
    }
    failed = [v for v in verdicts if not v.ok]
    if not failed and all(v.verified for v in verdicts):
        write_atomic(holder["marker"], holder["stamp"].encode())
    for verdict in verdicts:
        if verdict.note:
            logger.info(f"outputcheck: {verdict.note}")
    for verdict in failed:
        logger.error(verdict.report(), type="outputcheck", subtype="mismatch")
    app._outputcheck_failures += len(failed)  # type: ignore[attr-defined]
    traced = sum(1 for v in verdicts if v.block.spec.trace)
    logger.info(
        f"outputcheck: {count - traced} output blocks and {traced} instrumented runs, {batch.summary()}; "
        f"{sum(v.verified for v in verdicts)} verified, {len(failed)} failed"
        + (" (nothing ran: every result came from the cache)" if batch.ran == 0 else "")
    )


def _waits_for_timelines(app: Sphinx) -> bool:
    """The web pages get their timelines after writing (no page waits for a run); a
    book packed when written (EPUB) waits for the runs and draws them in place."""
    return app.builder.name not in ("html", "dirhtml")


def fill_timelines(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    slots = list(doctree.findall(timeline_slot))
    if not slots:
        return
    if _waits_for_timelines(app):
        _report(app)  # joins the running check (once), so the traces are there
    page = os.path.relpath(app.env.doc2path(docname), _ACTIVE[id(app.env)][1])
    traces = getattr(app, "_outputcheck_traces", {})
    for slot in slots:
        if _waits_for_timelines(app):
            html = timelines.figure(
                traces.get((Path(page), slot["line"])), slot["snippet"], app.config.language, label_for,
                picture=not app.builder.name.startswith("epub"),
            )
            slot.replace_self(nodes.raw("", html, format="html"))
        else:
            slot.replace_self(nodes.raw("", timelines.slot_html(page, slot["line"], slot["snippet"]), format="html"))


def fill_versions(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Write the verified Python version into each output block's caption."""
    versions = getattr(app.env, "outputcheck_versions", {}).get(docname, {})
    for node in list(doctree.findall(verified_on)):
        version = versions.get(node["line"], "")
        if version:
            text = label_for(app.config.language, "verified", versions=f"Python {version}")
        else:
            text = label_for(app.config.language, "unverified")
            node["classes"].append("unverified")
        node += nodes.Text(text)


def finish(app: Sphinx, exception: Exception | None) -> None:
    try:
        _report(app)
        if exception is None and app.builder.format == "html" and not _waits_for_timelines(app):
            timelines.fill_written_pages(app, getattr(app, "_outputcheck_traces", {}), label_for)
    finally:
        _ACTIVE.pop(id(app.env), None)
    failures = getattr(app, "_outputcheck_failures", 0)
    if exception is None and failures:
        logger.error(
            f"outputcheck: {failures} listing or output block(s) failed; see the messages above "
            f"(each names the page and line). The pages were written with their embedded text."
        )
        app.statuscode = 1


def _visit_inline(self: Any, node: nodes.Element) -> None:
    self.body.append(self.starttag(node, "span", ""))


def _depart_inline(self: Any, node: nodes.Element) -> None:
    self.body.append("</span>")


def _skip(self: Any, node: nodes.Element) -> None:
    raise nodes.SkipNode


def activate(app: Sphinx) -> None:
    _ACTIVE[id(app.env)] = (_settings(app), Path(app.confdir), load(Path(app.confdir)).record)


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("outputcheck_snippets", None, "env", types=[str, type(None)])
    app.add_config_value("outputcheck_cache", None, "", types=[str, type(None)])
    app.add_config_value("outputcheck_timeout", None, "", types=[int, float, type(None)])
    app.add_config_value("outputcheck_update_hint", None, "", types=[str, type(None)])
    app.add_config_value("outputcheck_jobs", None, "", types=[int, type(None)])
    # Off: pages are built with their embedded text and nothing runs (for comparisons only).
    app.add_config_value("outputcheck_execute", True, "", types=[bool])
    app.add_directive("listing", ListingDirective)
    app.add_directive("output", OutputDirective)
    app.add_directive("output-variant", OutputVariantDirective)
    app.connect("builder-inited", activate)
    app.connect("env-purge-doc", purge)
    app.connect("env-merge-info", merge)
    app.connect("env-updated", verify)
    app.connect("build-finished", finish)
    app.connect("doctree-resolved", fill_versions)
    app.connect("doctree-resolved", fill_timelines)
    app.add_node(verified_on, html=(_visit_inline, _depart_inline), epub=(_visit_inline, _depart_inline),
                 text=(_skip, None), latex=(_skip, None), man=(_skip, None), texinfo=(_skip, None))
    return {"version": __version__, "env_version": 1, "parallel_read_safe": True, "parallel_write_safe": True}
