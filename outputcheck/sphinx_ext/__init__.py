"""The Sphinx side: ``{listing}`` shows a snippet, ``{output}`` shows and proves its run.

Directives only collect (like ``sphinx.ext.doctest``): ``{listing}`` reads a part of a
snippet file and records the file as a dependency of the page; ``{output}`` renders the
transcript written in the page and records the block.  After all pages are read, every
distinct command starts running (in parallel, through the shared cache) while the pages
are written; when the build ends, each block is compared with its run, every mismatch
of the build is reported with its page and line, and the build exits non-zero if
anything failed.  Timelines of instrumented runs are placed into the written pages.

A front end: it may use every layer of ``outputcheck`` (``verbs`` and below) and
``timeline`` (the drawing), never another front end.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

from . import buildstate, marks, timelines, wholepages
from .. import __version__
from ..running import interpreters, interrupts
from ..reading.blocks import OutputBlock
from ..running.files import write_atomic
from ..verbs.check import Settings, cached_results, check_async
from ..verbs.config import Project, load
from .directives import (
    ACTIVE,
    ListingDirective,
    OutputDirective,
    OutputVariantDirective,
    blocks_of,
    errors_of,
    label_for,
    timeline_slot,
    verified_on,
)
from ..verbs.matrix import fresh_versions, load_record

logger = logging.getLogger(__name__)


def _settings(app: Sphinx, project: Project) -> Settings:
    """Settings from conf.py, falling back to the project's pyproject.toml."""
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


def purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    blocks_of(env).pop(docname, None)
    errors_of(env).pop(docname, None)


def merge(app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment) -> None:
    for table in (blocks_of, errors_of):
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
    blocks = [b for docname in sorted(blocks_of(env)) for b in blocks_of(env)[docname]]
    errors = [(d, line, msg) for d in sorted(errors_of(env)) for line, msg in errors_of(env)[d]]
    settings, confdir, record_path = ACTIVE[id(env)]
    app._outputcheck_marks = {}  # type: ignore[attr-defined]
    for docname, line, message in errors:
        page = os.path.relpath(env.doc2path(docname), confdir)
        logger.error(f"{page}:{line}: {message}", type="outputcheck", subtype="directive")
        app._outputcheck_marks[f"{page}:{line}"] = f"{page}:{line}: {message}"  # type: ignore[attr-defined]
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
            f"outputcheck: {len(blocks) - len(traced)} output blocks and {len(traced)} instrumented runs, "
            f"all verified by an earlier build and nothing they depend on has changed (nothing ran)"
        )
        return changed
    marker.unlink(missing_ok=True)
    holder: dict[str, Any] = {"stamp": stamp, "marker": marker}

    def work() -> None:
        try:
            holder["done"] = asyncio.run(check_async(blocks, settings))
        except BaseException as exc:  # reported by finish()
            holder["error"] = exc

    thread = interrupts.worker(work, "outputcheck")
    app._outputcheck_pending = (thread, holder, len(blocks))  # type: ignore[attr-defined]
    interrupts.set_phase(f"writing the pages of the {app.config.language or 'default'} edition with its listings running")
    return changed


def _record_versions(
    env: BuildEnvironment, blocks: list[OutputBlock], matrix: dict[str, dict], settings: Settings, record_path: Path
) -> list[str]:
    """The Pythons each block's caption names; pages whose list changed are written
    again even if their source did not change."""
    shown: dict[str, dict[int, str]] = {}
    pages = {b.page: d for d, bs in blocks_of(env).items() for b in bs}
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


_TOOL = Path(__file__).resolve().parent.parent  # outputcheck/, every layer of it


def _stamp(blocks: list[OutputBlock], settings: Settings) -> str:
    """Everything a set of verdicts depends on, cheaply: the blocks as written, the size
    and time of every file in snippets/ and of this tool's own modules, the interpreters.  Equal
    to the stamp of the last build whose blocks all passed: that build's verdicts stand."""
    files = sorted(
        (str(p), p.stat().st_size, p.stat().st_mtime_ns)
        for p in [*settings.snippets_dir.glob("*.py"), *_TOOL.rglob("*.py")]  # the snippets, and this tool
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
    interrupts.join(thread)
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
        app._outputcheck_marks[str(verdict.block.location)] = verdict.report()  # type: ignore[attr-defined]
        if verdict.fails:
            logger.error(verdict.report(), type="outputcheck", subtype="mismatch")
        else:  # flaky outside CI: reported, not fatal (a Sphinx warning would be, under -W)
            logger.info(f"outputcheck: warning: {verdict.report()}\n  (a flaky block fails the build when CI=true)")
    app._outputcheck_failures += sum(1 for v in failed if v.fails)  # type: ignore[attr-defined]
    traced = sum(1 for v in verdicts if v.block.spec.trace)
    flaky = sum(1 for v in verdicts if v.flaky)
    logger.info(
        f"outputcheck: {count - traced} output blocks and {traced} instrumented runs, {batch.summary()}; "
        f"{sum(v.verified for v in verdicts)} verified, {len(failed) - flaky} failed, {flaky} flaky"
        + (" (nothing ran: every result came from the cache)" if batch.ran == 0 and not batch.cached_here else "")
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
    page = os.path.relpath(app.env.doc2path(docname), ACTIVE[id(app.env)][1])
    traces = getattr(app, "_outputcheck_traces", {})
    for slot in slots:
        if _waits_for_timelines(app):
            html = timelines.figure(
                traces.get((Path(page), slot["line"])), slot["snippet"], app.config.language,
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
    interrupts.set_phase(f"checking the listings of the {app.config.language or 'default'} edition")
    try:
        _report(app)
        if exception is None and app.builder.format == "html" and not _waits_for_timelines(app):
            timelines.fill_written_pages(app, getattr(app, "_outputcheck_traces", {}))
        if exception is None and app.config.outputcheck_mark_failures and app.builder.format == "html":
            marked = marks.fill(Path(app.outdir), getattr(app, "_outputcheck_marks", {}), app.config.language)
            if marked:
                logger.info(f"outputcheck: {marked} failing block(s) marked on their pages (live preview)")
    finally:
        ACTIVE.pop(id(app.env), None)
        interrupts.uninstall()
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


def take_signals(app: Sphinx, config: Any) -> None:
    """Ctrl-C and SIGTERM stop the listings of this build too (see outputcheck.running.interrupts)."""
    interrupts.install(f"sphinx-build ({config.language or 'default'} edition)")
    interrupts.set_phase(f"reading the pages of the {config.language or 'default'} edition")


def activate(app: Sphinx) -> None:
    project = load(Path(app.confdir))
    ACTIVE[id(app.env)] = (_settings(app, project), Path(app.confdir), project.record)


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("outputcheck_snippets", None, "env", types=[str, type(None)])
    app.add_config_value("outputcheck_cache", None, "", types=[str, type(None)])
    app.add_config_value("outputcheck_timeout", None, "", types=[int, float, type(None)])
    app.add_config_value("outputcheck_update_hint", None, "", types=[str, type(None)])
    app.add_config_value("outputcheck_jobs", None, "", types=[int, type(None)])
    # Off: pages are built with their embedded text and nothing runs (for comparisons only).
    app.add_config_value("outputcheck_execute", True, "", types=[bool])
    # The live preview shows each failing block's report on its page (make html fails instead).
    app.add_config_value("outputcheck_mark_failures", False, "env", types=[bool, int])
    app.add_directive("listing", ListingDirective)
    app.add_directive("output", OutputDirective)
    app.add_directive("output-variant", OutputVariantDirective)
    buildstate.setup(app)
    wholepages.setup(app)
    app.connect("config-inited", take_signals)
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
