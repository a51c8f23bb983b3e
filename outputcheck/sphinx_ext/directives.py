"""What pages declare: ``{listing}``, ``{output}`` and ``{output-variant}``.

The directives only collect: each records its block (or its error) in the build
environment, per page, and records the snippet files as dependencies of the page.
Checking happens later, for the whole book at once (:mod:`outputcheck.sphinx_ext`).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx import addnodes
from sphinx.directives.code import container_wrapper  # for a custom :caption:
from sphinx.environment import BuildEnvironment
from sphinx.util.docutils import SphinxDirective

from ..reading.blocks import FLAG_OPTIONS, OPTION_NAMES, BlockError, OutputBlock, make_block, parse_variant_version, snippet_path
from . import marks
from ..verbs.check import Settings
from ..running.imports import local_sources
from ..reading.listing import ListingError, excerpt

#: Settings of each running build, by environment (the environment itself is pickled,
#: settings are read fresh from conf.py and pyproject.toml every build).
ACTIVE: dict[int, tuple[Settings, Path, Path]] = {}  # settings, confdir, matrix record


def blocks_of(env: BuildEnvironment) -> dict[str, list[OutputBlock]]:
    """Blocks per page, kept in the environment so unchanged pages keep theirs."""
    if not hasattr(env, "outputcheck_blocks"):
        env.outputcheck_blocks = {}  # type: ignore[attr-defined]
    return env.outputcheck_blocks  # type: ignore[attr-defined,no-any-return]


def errors_of(env: BuildEnvironment) -> dict[str, list[tuple[int, str]]]:
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
        """The snippet's file, or BlockError if the name leads outside snippets/."""
        settings, _, _ = ACTIVE[id(self.env)]
        return snippet_path(settings.snippets_dir, name)

    def depend_on(self, script: Path) -> None:
        for path in local_sources(script):
            self.env.note_dependency(str(path))

    def record_error(self, message: str) -> None:
        errors_of(self.env).setdefault(self.env.docname, []).append((self.lineno, message))

    def with_mark_slot(self, result: list[nodes.Node]) -> list[nodes.Node]:
        """In the live preview, a place after the block where its failure is shown."""
        if self.config.outputcheck_mark_failures:
            return [*result, marks.slot(self.shown_page(), self.lineno)]
        return result

    def shown_page(self) -> str:
        path = self.env.doc2path(self.env.docname)
        _, confdir, _ = ACTIVE[id(self.env)]
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
        try:
            script = self.snippet_path(name)
        except BlockError as exc:
            return self._error(f"listing: {exc}")
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
        return self.with_mark_slot([])


class OutputDirective(SnippetDirective):
    """The transcript of a run, as the reader sees it; checked after reading."""

    has_content = True
    # The options are those blocks.make_block knows, so the page scanner and the build
    # can never disagree on what a block may say.
    option_spec: ClassVar[dict[str, Any]] = {
        name: directives.flag if name in FLAG_OPTIONS else directives.unchanged for name in OPTION_NAMES
    }

    def run(self) -> list[nodes.Node]:
        text = "\n".join(self.content)
        try:
            block = make_block(Path(self.shown_page()), self.lineno, text, dict(self.options))
            scripts = [self.snippet_path(name) for name in filter(None, [block.spec.snippet, block.spec.server])]
        except (BlockError, ValueError) as exc:
            self.record_error(f"output block: {exc}")
        else:
            for script in scripts:
                self.env.note_dependency(str(script))
                self.depend_on(script)
            blocks_of(self.env).setdefault(self.env.docname, []).append(block)
            if block.timeline:
                blocks_of(self.env)[self.env.docname].append(block.instrumented())
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
            # The drawing is part of the page: a new draw.py or tracer.py writes it again.
            settings, _, _ = ACTIVE[id(self.env)]
            if settings.trace_site is not None:
                for part in ("draw.py", "tracer.py"):
                    self.env.note_dependency(str(settings.trace_site.parent / part))
            return self.with_mark_slot(
                [container, timeline_slot("", snippet=command.split()[1] if " " in command else command, line=self.lineno)]
            )
        return self.with_mark_slot([container])


class OutputVariantDirective(SnippetDirective):
    """What the block before it prints on one Python version, and why."""

    required_arguments = 1
    has_content = True
    option_spec: ClassVar[dict[str, Any]] = {"reason": directives.unchanged_required}

    def run(self) -> list[nodes.Node]:
        text = "\n".join(self.content)
        blocks = blocks_of(self.env).get(self.env.docname, [])
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
