"""The Sphinx side of the two editions.

- Every page gets a switcher to the same page in the other edition, and ``hreflang``
  alternates in its head.
- Korean typography: a Korean-friendly font stack (no downloaded fonts) and
  ``word-break: keep-all`` so Korean words never break in the middle.
- The Korean edition's search strips particles (:mod:`bilingual.search_ko`); the
  English one stems each word once per build (:mod:`bilingual.search_en`).
- In the English build, translated messages are parsed without a parser and a
  throwaway document each (:mod:`bilingual.fastmessages`), and what Sphinx's
  ``Locale`` transform computes for nothing is not computed (:mod:`bilingual.fastlocale`).
- In both builds, the garbage collector does not re-walk the application while pages
  are read (:mod:`bilingual.collection`).
- In the English build, comments inside listings are translated from ``snippets.po``,
  and every message of a page or listing that the catalogs do not translate (absent,
  empty or fuzzy) is an error naming where the Korean text is.  Problems are kept per
  page, so an unchanged page with a stale translation fails every build, not just the
  one that read it.  A statistics line says how complete the edition is.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.transforms import SphinxTransform
from sphinx.util import logging
from sphinx.util.i18n import docname_to_domain
from sphinx.util.nodes import extract_messages

from . import catalogs, collection, comments, fastlocale, fastmessages
from .catalogs import Problem
from .search_en import SearchEnglishOnce
from .search_ko import SearchKorean

logger = logging.getLogger(__name__)
HERE = Path(__file__).parent
SWITCHER_LABEL = {"ko": "언어", "en": "Language"}


def _is_translation(config: Any) -> bool:
    return bool(config.language) and config.language != config.bilingual_source_language


def _catalog_path(env: BuildEnvironment, domain: str) -> Path:
    locale_dir = env.srcdir / (env.config.locale_dirs[0] if env.config.locale_dirs else "locale")
    return locale_dir / env.config.language / "LC_MESSAGES" / f"{domain}.po"


def _state(env: BuildEnvironment) -> dict[str, dict[str, Any]]:
    """Per page: how many messages were checked and which were not translated."""
    if not hasattr(env, "bilingual_pages"):
        env.bilingual_pages = {}  # type: ignore[attr-defined]
    return env.bilingual_pages  # type: ignore[attr-defined,no-any-return]


def _page(env: BuildEnvironment) -> dict[str, Any]:
    return _state(env).setdefault(
        env.current_document.docname, {"messages": 0, "comments": 0, "problems": []}
    )


class CheckTranslations(SphinxTransform):
    """Before Sphinx translates a page, note each message its catalog lacks.

    The messages are those Sphinx's ``Locale`` takes in its first pass.  When
    :mod:`bilingual.fastlocale` is installed and the page has a compiled catalog (so
    Locale will walk it), they are judged as Locale takes them; otherwise this walks
    the page itself, as Locale would.
    """

    default_priority = 19  # just before sphinx.transforms.i18n.Locale (20)

    def apply(self, **kwargs: Any) -> None:
        if not _is_translation(self.config):
            return
        docname = self.env.current_document.docname
        domain = docname_to_domain(docname, self.config.gettext_compact)
        po = _catalog_path(self.env, domain)
        messages = catalogs.load(po)
        page = _page(self.env)
        source = Path(self.env.doc2path(docname))
        shown = source.relative_to(self.env.srcdir.parent) if source.is_relative_to(self.env.srcdir.parent) else source

        def judge(node: nodes.Element, msgid: str) -> None:
            page["messages"] += 1
            kind = catalogs.judge(messages, msgid)
            if kind:
                line = node.line or (node.parent.line if node.parent is not None else None) or 0
                page["problems"].append(Problem(kind, f"{shown}:{line}", msgid, po.name))

        if fastmessages.installed() and po.with_suffix(".mo").is_file():
            fastlocale.watch_first_extraction(self.document, judge)
            return
        for node, msgid in extract_messages(self.document):
            judge(node, msgid)


class TranslateListingComments(SphinxTransform):
    """Put the reader's language into the comments of every listing."""

    default_priority = 21  # after Locale: listings are not touched by it

    def apply(self, **kwargs: Any) -> None:
        if not _is_translation(self.config):
            return
        po = _catalog_path(self.env, self.config.bilingual_comment_catalog)
        messages = catalogs.load(po)
        page = _page(self.env)
        for block in self.document.findall(nodes.literal_block):
            if "listing" not in block["classes"]:
                continue
            self.env.note_dependency(str(po))
            original = block.astext()
            found = comments.comments(original)
            text, missing = comments.translate(
                original, lambda msgid: catalogs.translation(messages, msgid), found=found
            )
            page["comments"] += len(found)
            snippet = Path(block.get("source", "listing"))
            shown = snippet.relative_to(self.env.srcdir.parent) if snippet.is_relative_to(self.env.srcdir.parent) else snippet
            file_lines = snippet.read_text(encoding="utf-8").split("\n") if missing and snippet.is_file() else []
            for comment in missing:
                first = original.split("\n")[comment.first - 1].strip()
                line = next((i for i, l in enumerate(file_lines, 1) if l.strip() == first), comment.first)
                page["problems"].append(
                    Problem(catalogs.judge(messages, comment.text), f"{shown}:{line}", comment.text, po.name)
                )
            if text != original:
                block.rawsource = text
                block.children = [nodes.Text(text)]


class RehomeTranslations(SphinxTransform):
    """After Sphinx translates a page, its translated nodes belong to it (:func:`bilingual.fastlocale.rehome`)."""

    default_priority = 22  # after Locale (20) and the listings' comments (21)

    def apply(self, **kwargs: Any) -> None:
        if not _is_translation(self.config):
            return
        if fastlocale.watching(self.document):  # Locale did not walk the page: check it never ran
            raise RuntimeError(
                f"bilingual: the messages of {self.env.current_document.docname} were not checked "
                "(Sphinx's Locale did not extract them); build with -D bilingual_fast_messages=0 and report this"
            )
        if fastmessages.installed():
            fastlocale.rehome(self.document)


def purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    _state(env).pop(docname, None)


def merge(app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment) -> None:
    theirs = _state(other)
    for docname in docnames & set(theirs):
        _state(env)[docname] = theirs[docname]


def report(app: Sphinx, env: BuildEnvironment) -> None:
    """Every untranslated or fuzzy message of the edition, with the totals."""
    if not _is_translation(app.config):
        return
    pages = _state(env)
    problems = [p for d in sorted(pages) for p in pages[d]["problems"]]
    for problem in problems:
        logger.error(
            f"translation drift: {problem.report()}; update the catalog "
            f"(make translations, then translate the entry in docs/locale/{app.config.language}/LC_MESSAGES/{problem.catalog})",
            type="bilingual",
            subtype="drift",
        )
    total = sum(p["messages"] + p["comments"] for p in pages.values())
    fuzzy = sum(1 for p in problems if p.kind == "fuzzy")
    untranslated = len(problems) - fuzzy
    done = total - len(problems)
    percent = 100.0 * done / total if total else 100.0
    logger.info(
        f"translation ({app.config.language}): {total} messages "
        f"({sum(p['messages'] for p in pages.values())} in pages, {sum(p['comments'] for p in pages.values())} "
        f"listing comments): {percent:.1f}% translated, {fuzzy} fuzzy, {untranslated} untranslated"
    )
    app._bilingual_problems = len(problems)  # type: ignore[attr-defined]
    if fastmessages.installed():
        c = fastmessages.counts
        logger.verbose(
            f"bilingual: {c['calls']} translated messages published: {c['parsed']} parsed, {c['plain']} plain lines "
            f"not parsed, {c['reused']} reused from Locale's first pass, {c['upstream']} the upstream way"
        )


def finish(app: Sphinx, exception: Exception | None) -> None:
    if exception is None and getattr(app, "_bilingual_problems", 0):
        logger.error(f"translation: {app._bilingual_problems} message(s) not translated; see above")  # type: ignore[attr-defined]
        app.statuscode = 1


def page_context(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    """Links to this page in every edition (``../<lang>/<page>.html``).

    Only on the web: an EPUB holds one edition, with nowhere to link to.
    """
    if app.builder.name not in ("html", "dirhtml"):
        context["editions"] = []
        return
    current = app.config.language or app.config.bilingual_source_language
    up = "../" * (pagename.count("/") + 1)
    editions = []
    for code, label in app.config.bilingual_editions.items():
        editions.append(
            {
                "code": code,
                "label": label,
                "url": f"{up}{code}/{pagename}.html",
                "current": code == current,
            }
        )
    context["editions"] = editions
    context["edition_switcher_label"] = SWITCHER_LABEL.get(current, "Language")


def fast_messages(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """In a translated edition, parse its messages the cheap way (:mod:`bilingual.fastmessages`).

    Checked when there are pages to read, so a rebuild that reads none pays nothing.
    """
    if not (_is_translation(app.config) and app.config.bilingual_fast_messages):
        fastmessages.uninstall()  # another build of this process may have installed it
        return
    if not docnames:
        return
    differs = fastmessages.install(app.verbosity)
    if differs:
        logger.info(
            "bilingual: translated messages are parsed the upstream way (slower): "
            f"bilingual/fastmessages.py was checked against other versions: {'; '.join(differs)}"
        )


def add_assets(app: Sphinx, config: Any) -> None:
    config.templates_path = [str(HERE / "templates"), *config.templates_path]
    config.html_static_path = [*config.html_static_path, str(HERE / "static")]


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("bilingual_source_language", "ko", "env", types=[str])
    app.add_config_value("bilingual_editions", {"ko": "한국어", "en": "English"}, "html", types=[dict])
    app.add_config_value("bilingual_comment_catalog", "snippets", "env", types=[str])
    app.add_config_value("bilingual_fast_messages", True, "", types=[bool])
    app.add_search_language(SearchKorean)
    app.add_search_language(SearchEnglishOnce)
    app.add_transform(CheckTranslations)
    app.add_transform(TranslateListingComments)
    app.add_transform(RehomeTranslations)
    app.add_css_file("bilingual.css")
    app.connect("config-inited", add_assets)
    app.connect("env-before-read-docs", fast_messages)
    collection.setup(app)
    app.connect("env-purge-doc", purge)
    app.connect("env-merge-info", merge)
    app.connect("env-updated", report)
    app.connect("build-finished", finish)
    app.connect("html-page-context", page_context)
    return {"version": "0.1.0", "env_version": 1, "parallel_read_safe": True, "parallel_write_safe": True}
