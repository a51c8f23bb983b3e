"""Two kinds of note a page attaches to what it shows.

``{checknote}``
    How the run above was checked (what the build lets vary, what it compares).  It is
    about the book, not about asyncio, so the web edition folds it away under a
    summary line (``<details class="check-note">``); the EPUB shows it as a plain,
    titled box.

``{editionchanged}``
    A change made by this edition (a fixed bug, an added environment variable), as
    opposed to a change of Python itself, which stays in Sphinx's ``versionchanged``.
    It is an admonition titled "이 판에서 바꾼 점" / "Changed in this edition".

The titles are the tool's words, chosen by the edition's language like Sphinx's own
"Changed in version" label; the bodies are page text (paragraphs parsed as MyST), so
they are extracted into the catalogs and translated like every other paragraph.
"""

from __future__ import annotations

from typing import Any, ClassVar

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

TITLES = {
    "check": {"ko": "이 실행을 검증하는 방법", "en": "How this run is checked"},
    "edition": {"ko": "이 판에서 바꾼 점", "en": "Changed in this edition"},
}


def title_for(kind: str, language: str | None) -> str:
    table = TITLES[kind]
    return table.get(language or "en", table["en"])


class check_note(nodes.General, nodes.Element):
    """A collapsible note on how a run is checked; ``title`` holds the summary."""


def visit_check_note_html(self: Any, node: check_note) -> None:
    summary = self.encode(node["title"])
    if getattr(self.builder, "name", "").startswith("epub"):
        # EPUB readers differ in how they treat <details>: a plain titled box there.
        self.body.append('<div class="check-note">')
        self.body.append(f'<p class="check-note-title">{summary}</p>')
    else:
        self.body.append('<details class="check-note">')
        self.body.append(f"<summary>{summary}</summary>")
        self.body.append('<div class="check-note-body">')


def depart_check_note_html(self: Any, node: check_note) -> None:
    if getattr(self.builder, "name", "").startswith("epub"):
        self.body.append("</div>\n")
    else:
        self.body.append("</div></details>\n")


def _skip_title(self: Any, node: nodes.Element) -> None:
    """Other builders (text, LaTeX, ...): the body as plain paragraphs."""


def _nothing(self: Any, node: nodes.Element) -> None:
    pass


class CheckNoteDirective(SphinxDirective):
    """``{checknote}``: its content is MyST text, translated through the catalogs."""

    has_content = True
    option_spec: ClassVar[dict[str, Any]] = {}

    def run(self) -> list[nodes.Node]:
        node = check_note(title=title_for("check", self.config.language))
        node["classes"].append("check-note")
        self.set_source_info(node)
        node += self.parse_content_to_nodes()
        return [node]


class EditionChangedDirective(SphinxDirective):
    """``{editionchanged}``: an admonition with this edition's title."""

    has_content = True
    option_spec: ClassVar[dict[str, Any]] = {}

    def run(self) -> list[nodes.Node]:
        node = nodes.admonition("", classes=["edition-changed"])
        self.set_source_info(node)
        title_text = title_for("edition", self.config.language)
        title = nodes.title(title_text, title_text)
        title["translatable"] = False  # the tool's words, chosen by language
        node += title
        node += self.parse_content_to_nodes()
        return [node]


def setup(app: Sphinx) -> None:
    app.add_node(
        check_note,
        html=(visit_check_note_html, depart_check_note_html),
        epub=(visit_check_note_html, depart_check_note_html),  # named apart: other extensions register epub handlers
        latex=(_skip_title, _nothing),
        text=(_skip_title, _nothing),
        man=(_skip_title, _nothing),
        texinfo=(_skip_title, _nothing),
    )
    app.add_directive("checknote", CheckNoteDirective)
    app.add_directive("editionchanged", EditionChangedDirective)
