"""The English edition's messages, parsed at the cost of a message, not of a parser.

Why: Sphinx translates a page by parsing every translated message on its own
(``sphinx.transforms.i18n._publish_msgstr``), and with MyST each of those parses built
a new Markdown parser (``MystParser.parse`` calls ``create_md_parser``) and a throwaway
docutils document with freshly computed default settings, which nothing used
(``DocutilsRenderer.setup_render`` evaluates ``options.get("document", make_document())``,
so its default is built even though a document is always given).  Sphinx's ``Locale``
transform also parses most messages twice: in its first pass (which only keeps the
result for section titles and glossary terms) and again in its second.  For this
book that was ~1,150 parsers, ~1,150 settings objects and ~550 repeated parses per
English build, most of its reading time (bench/RESULTS.md).

What this module changes, only in a translated edition, only for the exact versions
it was checked against (:data:`CHECKED`; anything else leaves Sphinx and myst-parser
as they are and says so):

- ``setup_render`` builds its default document only when no document is given;
- ``_publish_msgstr`` keeps one Markdown parser per document (per docutils settings
  object: Sphinx makes one per page) instead of one per message; a message with
  front matter goes the upstream way;
- a message parsed once for a document and not used (Locale's first pass) is handed
  to the second pass as it is, with the side effects the second parse would have
  had replayed (myst-parser stores the message's word count in the page's metadata);
  only parses that logged nothing are kept, so no warning is lost or doubled;
- a message that is one line of plain words (a letter first; letters, digits, spaces
  and ``,.;:?'"()/-`` and typographic quotes and dashes; see :func:`plain`) becomes
  the paragraph that parsing it gives, without parsing: markdown-it has no syntax made
  of those characters on a single line that does not start a block, as long as the
  MyST configuration enables none of the extensions that give plain text a meaning
  (smartquotes, replacements, linkify, gfm_autolink) and sets no ``html_meta``.

The English HTML is byte-identical with and without this module
(``tests/test_english_cost.py`` builds the real book both ways); the same test fails
as soon as the installed Sphinx, myst-parser, markdown-it-py or mdit-py-plugins
differ from :data:`CHECKED`, or the source of a function this module replaces or
imitates differs from :data:`SOURCES`: then read the new upstream code, re-check, and
update both.

What upstream would need to change for this module to go:

- myst-parser: in ``DocutilsRenderer.setup_render``, build the default document only
  when ``"document" not in options``; in ``MystParser.parse``, reuse the Markdown
  parser for the same configuration instead of calling ``create_md_parser`` per call.
- Sphinx: in ``Locale.apply``, parse a message in the first pass only for the nodes
  that pass uses (section titles, glossary terms), or keep the parse for the second
  pass; and let ``_publish_msgstr`` reuse one source parser per document.

The switch is the configuration value ``bilingual_fast_messages`` (on by default;
``-D bilingual_fast_messages=0`` builds the upstream way, as ``make bench`` does for
its "before" figures).
"""

from __future__ import annotations

import copy
import hashlib
import importlib
import inspect
import logging
import re
import weakref
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from . import fastlocale

#: The versions this module was checked against.
CHECKED = {
    "sphinx": "9.0.4",
    "myst-parser": "5.2.0",
    "markdown-it-py": "4.3.0",
    "mdit-py-plugins": "0.7.0",
}

#: sha256 of the source of every upstream function this module replaces (R), relies on
#: the calling pattern of (C), or imitates for plain messages (I).
SOURCES = {
    "sphinx.transforms.i18n:_publish_msgstr":
        "9a43862bd8487aafb8b06fac5bc38e9db7f0082189e23d8a93ea1b79bef8faa3",  # R
    "sphinx.transforms.i18n:Locale.apply":
        "118126ca0d1cb9850eaf3ebfb76f532cf473107a0c6fdbf7e6701c379cb6a3b6",  # C: two passes, what each uses of a parse
    "sphinx.transforms.i18n:_NodeUpdater.update_title_mapping":
        "562795a8e7a9ff4c458e549ccb74e548566d4cf3a32344c334cfd42c92be3867",  # C: reads the first pass's parse only
    "myst_parser.mdit_to_docutils.base:DocutilsRenderer.setup_render":
        "09ae3e2fe89715fd2d705d1dd13e941631e5e3a104214f3f2145d0d7f213ab8c",  # R
    "myst_parser.parsers.sphinx_:MystParser.parse":
        "0d71d5731b4a6f7c643ac3d578f5c690f02710b43d18b270160ccdab3b28a0aa",  # R (with one parser per document)
    "myst_parser.mdit_to_docutils.base:DocutilsRenderer.render":
        "ca9b812b250f8ed2d87783286906e4584c8e6b53465b1a015c805219395561fc",  # I
    "myst_parser.mdit_to_docutils.base:DocutilsRenderer._render_initialise":
        "5d482fb3d130a7e4033c981513bd15c1a740216dab1d1db0b423a96e1324709b",  # I
    "myst_parser.mdit_to_docutils.base:DocutilsRenderer._render_finalise":
        "be55d58b62adfe11c45f6832d6c4128241d65711e09dd03ad99e331c69603e23",  # I: side effects replayed
    "myst_parser.mdit_to_docutils.base:DocutilsRenderer.render_paragraph":
        "aba11257667353b86979ef03ae17e15385318fa1d60d46f7d2b7ea5f726164b1",  # I
    "myst_parser.mdit_to_docutils.base:DocutilsRenderer.render_text":
        "b2ceca3db810d0275a6f9b22e3e8be0803c471d84638bafeec274540157cd7af",  # I
    "myst_parser.mdit_to_docutils.base:DocutilsRenderer.add_line_and_source_path":
        "02a34799bce8dabdc7e05a63d4da884e577df760b14f979292b27c7418c7f468",  # I
    "myst_parser.parsers.mdit:create_md_parser":
        "b7ba52b19650dc63615e31b24526a2c943849aff182161d9e150ca8d0c16e04d",  # I: which rules a plain line meets
    "mdit_py_plugins.wordcount:wordcount_plugin":
        "eb3c2491d835b3556983c961648e4aab05b52919d3c93c47be12f574cc990537",  # I: the word count of a message
    "myst_parser.mdit_to_docutils.base:DocutilsRenderer.render_code_inline":
        "7374a2bba4c9aa60e49e24497fb9a996a97a598fb9d9d541e80eca20e290d174",  # I: code spans of a plain line
    "markdown_it.rules_core.text_join:text_join":
        "b18dfe4edc66d46afe2af7f72dadf557e87f5fdbed641615fdfb06e011c12533",  # I: one text token between code spans
    # bilingual.fastlocale:
    "sphinx.util.nodes:repr_domxml":
        "4b0a7fcf1e2aba4b4daac60b9f117f53d5e786729476dec0b1b2c999a173ef9a",  # R: made lazy
    "sphinx.util.nodes:is_translatable":
        "d4f74a4dd76613380b307f37af45178d5eda6bf4b8e1192a0bf5b4eecd8a9df4",  # C: its only use is logger.debug's
    "sphinx.util.nodes:apply_source_workaround":
        "de6d56d588e968e48cb3b22e9be73e7b9791064c5b1cfba7153128449d1afc42",  # C: its only use is logger.debug's
    "sphinx.transforms.i18n:_NodeUpdater.update_autofootnote_references":
        "835203ebc15a14422a640a03e57c0b21e1e58d760a8eb01b8652e441937522e1",  # C: nothing to do without a reference node
    "sphinx.transforms.i18n:_NodeUpdater.update_refnamed_references":
        "26425510db1af8af1e50c70198a86a65afc87dd99784617bbf9171b67c9e6d78",  # C: nothing to do without a reference node
    "sphinx.transforms.i18n:_NodeUpdater.update_refnamed_footnote_references":
        "1310df13b15dd979ee160f415500c9f27e1f93d1887ac5874a4e573343783fe2",  # C: nothing to do without a reference node
    "sphinx.transforms.i18n:_NodeUpdater.update_citation_references":
        "b1a6080edf4f51605fd16921b35b021b880a4b4518c76b65d8937450d62ef3bb",  # C: nothing to do without a reference node
    "sphinx.transforms.i18n:_NodeUpdater.update_pending_xrefs":
        "d219d04cdba49941a5a5277ac1bf3e1086ef03fa7c928f7e66c358b6647a9da9",  # C: nothing to do without a reference node
    "sphinx.util.nodes:extract_messages":
        "bac10c09ec20edcb66c70247033d25ab58c9c967647b7bb8cc6944deee37fd7d",  # C: lazy (node, message) pairs, watched
    "sphinx.transforms.i18n:_NodeUpdater.compare_references":
        "762c2e701043a44c32ef371040b69390e8f9639901797925121e7654d32f63ae",  # C: no references, no warning
    "myst_parser.mdit_to_docutils.sphinx_:SphinxRenderer":
        "360a3c4a6ff49835ff0e50287d2b3e7a66944f7b6ea51aa1731ee12e4de39b7f",  # C: overrides none of the above
}

#: Extensions that give some plain text a meaning (quotes, dashes, bare URLs).
_PLAIN_BREAKERS = frozenset({"smartquotes", "replacements", "linkify", "gfm_autolink"})
#: Besides letters and digits, what a plain message may hold.
_PLAIN_PUNCTUATION = frozenset(" ,.;:?'\"()/-\u201c\u201d\u2018\u2019\u2014\u2013\u2026\u2192\u2423")
_PLAIN_MARKS = re.compile("[" + re.escape("".join(sorted(_PLAIN_PUNCTUATION))) + "]")
#: Besides letters, digits and a code span's backtick, what a plain message may start with.
_PLAIN_FIRST = frozenset("(\u201c\u2018\"'`")
#: An ordered list's marker, which starts a block when it opens a line.
_LIST_MARKER = re.compile(r"\d{1,9}[.)](?:[ \t]|$)")

logger = logging.getLogger(__name__)


def _resolve(name: str) -> Any:
    """What ``module:qualname`` names upstream (the original while a patch is installed)."""
    replaced = fastlocale.original(name)
    if replaced is not None:
        return replaced
    module, _, path = name.partition(":")
    target: Any = importlib.import_module(module)
    for part in path.split("."):
        target = getattr(target, part)
    ours = {_fast_publish_msgstr: "_publish_msgstr", _setup_render: "setup_render"}
    return _installed[ours[target]] if target in ours and ours[target] in _installed else target


def source_hash(name: str) -> str:
    """sha256 of the source text of ``module:qualname`` as installed."""
    return hashlib.sha256(inspect.getsource(_resolve(name)).encode("utf-8")).hexdigest()


def mismatches() -> list[str]:
    """What differs from what this module was checked against (empty: all as checked)."""
    found = []
    for package, checked in CHECKED.items():
        try:
            installed = version(package)
        except PackageNotFoundError:
            installed = "not installed"
        if installed != checked:
            found.append(f"{package} {installed} (checked: {checked})")
    if found:
        return found  # other versions: their sources are not worth comparing
    for name, checked in SOURCES.items():
        try:
            got = source_hash(name)
        except (ImportError, AttributeError, OSError, TypeError) as error:
            found.append(f"{name}: cannot be read ({error})")
            continue
        if got != checked:
            found.append(f"{name}: source changed (sha256 {got[:12]}, checked: {checked[:12] or 'none'})")
    return found


def pieces(text: str) -> list[tuple[bool, str]] | None:
    """``text`` as (is_code, piece) pairs when it is one line of plain words and inline
    code spans that MyST renders as themselves; None for anything else (then it is parsed).

    Plain: letters, digits, spaces and the punctuation of :data:`_PLAIN_PUNCTUATION`,
    none of which makes markup in the middle of a line.  What could start a block is
    kept out by the first character: a letter or digit, but not an ordered list's
    marker (``1.``/``1)`` then a space); an opening parenthesis, but not a MyST target
    (``(name)=``); a quote; or a code span.  Code: single backticks around text that
    holds no backtick and neither starts nor ends with a space (CommonMark would trim
    those), not preceded by a role's ``{...}`` (braces are not plain).
    """
    if not text or text[-1] == " " or "\n" in text or _LIST_MARKER.match(text) or (text[0] == "(" and ")=" in text):
        return None
    if not (text[0].isalnum() or text[0] in _PLAIN_FIRST):
        return None
    found: list[tuple[bool, str]] = []
    for number, piece in enumerate(text.split("`")):
        code = number % 2 == 1
        if code and (not piece or piece[0] == " " or piece[-1] == " "):
            return None
        if not code and piece and not (_PLAIN_MARKS.sub("", piece) or "a").isalnum():
            return None
        if piece:
            found.append((code, piece))
    return found if text.count("`") % 2 == 0 else None


def plain(text: str) -> bool:
    """Whether ``text`` is one line that MyST renders as itself (see :func:`pieces`)."""
    return pieces(text) is not None


class _Logged(logging.Handler):
    """Counts every record Sphinx logs, so that a parse that logged is never reused."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


class _Document:
    """What is kept for the page being translated."""

    def __init__(self, settings: Any, config: Any, md: Any) -> None:
        self.settings = weakref.ref(settings)
        self.config = config
        self.md = md
        #: (msgstr, source path, line) -> (patch, its document, metadata it set)
        self.unused: dict[tuple[str, str, int], tuple[Any, Any, dict[str, Any]]] = {}


_installed: dict[str, Callable[..., Any]] = {}
_current: list[_Document] = []
_logged = _Logged()
#: What the patched ``_publish_msgstr`` did in this process (reported with ``-v``).
counts = {"calls": 0, "parsed": 0, "plain": 0, "reused": 0, "upstream": 0}


def _metadata(env: Any) -> dict[str, Any]:
    return env.metadata.get(env.current_document.docname) or {}


def _fast_publish_msgstr(
    source: str, source_path: str, source_line: int, *, config: Any, env: Any, registry: Any, settings: Any
) -> Any:
    """``sphinx.transforms.i18n._publish_msgstr``, with one Markdown parser per page, a
    first-pass parse handed to the second pass, and plain lines not parsed."""
    import docutils.utils
    from myst_parser.config.main import TopmatterReadError, read_topmatter
    from myst_parser.parsers.sphinx_ import MystParser
    from sphinx.util import get_filetype
    from sphinx.util.docutils import LoggingReporter

    original = _installed["_publish_msgstr"]
    counts["calls"] += 1
    if not getattr(config, "bilingual_fast_messages", False):
        counts["upstream"] += 1
        return _noted(settings, original(source, source_path, source_line, config=config, env=env, registry=registry, settings=settings))
    filetype = get_filetype(config.source_suffix, source_path)
    parser = registry.create_source_parser(filetype, config=config, env=env)
    myst_config = getattr(env, "myst_config", None)
    if type(parser) is not MystParser or myst_config is None:
        counts["upstream"] += 1
        return _noted(settings, original(source, source_path, source_line, config=config, env=env, registry=registry, settings=settings))
    try:
        topmatter = read_topmatter(source)
    except TopmatterReadError:
        topmatter = True
    if topmatter:  # a file-level configuration: the upstream way
        counts["upstream"] += 1
        return _noted(settings, original(source, source_path, source_line, config=config, env=env, registry=registry, settings=settings))

    page = _current[0] if _current else None
    if page is None or page.settings() is not settings or page.config is not myst_config:
        from myst_parser.mdit_to_docutils.sphinx_ import SphinxRenderer
        from myst_parser.parsers.mdit import create_md_parser

        page = _Document(settings, myst_config, create_md_parser(myst_config, SphinxRenderer))
        _current[:] = [page]

    key = (source, source_path, source_line)
    kept = page.unused.pop(key, None)
    if kept is not None:
        patch, doc, metadata = kept
        if _untouched(patch, doc):
            if metadata:
                env.metadata.setdefault(env.current_document.docname, {}).update(copy.deepcopy(metadata))
            counts["reused"] += 1
            return patch

    doc = docutils.utils.new_document(f"{source_path}:{source_line}:<translated>", settings)
    doc.reporter = LoggingReporter.from_reporter(doc.reporter)
    before = dict(_metadata(env))
    logged = _logged.count
    spans = pieces(source) if _plain_is_safe(myst_config) else None
    if spans is not None:
        counts["plain"] += 1
        _render_plain(source, spans, doc, env, myst_config)
    else:
        counts["parsed"] += 1
        # clear rst_prolog temporarily (as upstream does; MyST does not read it)
        rst_prolog = config.rst_prolog
        config.rst_prolog = None
        try:
            page.md.options["document"] = doc
            page.md.render(source)
            doc.current_source = doc.current_line = None
        finally:
            config.rst_prolog = rst_prolog
        fastlocale.note_published(settings, doc)
    try:
        patch = doc[0]
    except IndexError:  # empty node
        return doc
    if _logged.count == logged:
        after = _metadata(env)
        changed = {k: copy.deepcopy(v) for k, v in after.items() if before.get(k) is not v}
        page.unused[key] = (patch, doc, changed)
    return patch


def _noted(settings: Any, result: Any) -> Any:
    """A translation parsed the upstream way, reported to :mod:`bilingual.fastlocale`."""
    fastlocale.note_published(settings, result)
    return result


def _untouched(patch: Any, doc: Any) -> bool:
    """Whether a kept parse is still as parsed: nothing moved its children away."""
    return (
        patch.parent is doc
        and len(doc.children) >= 1
        and doc.children[0] is patch
        and len(patch.children) >= 1
        and all(child.parent is patch for child in patch.children)
    )


def _plain_is_safe(myst_config: Any) -> bool:
    return not (
        myst_config.commonmark_only
        or myst_config.gfm_only
        or myst_config.html_meta
        or myst_config.disable_syntax
        or _PLAIN_BREAKERS & set(myst_config.enable_extensions)
    )


def _render_plain(text: str, spans: list[tuple[bool, str]], doc: Any, env: Any, myst_config: Any) -> None:
    """What ``DocutilsRenderer.render`` makes of one plain line: a paragraph on line 1
    holding the text, and the side effects of ``_render_finalise``."""
    from docutils import nodes
    from mdit_py_plugins.wordcount import basic_count

    para = nodes.paragraph(text)
    para.line = 1
    doc.current_line = 1
    para.source = doc["source"]
    doc.append(para)
    for code, piece in spans:
        if code:  # render_code_inline: an inline token has no line of its own
            literal = nodes.literal(piece, piece)
            literal.source = doc["source"]
            para.append(literal)
        else:
            para.append(nodes.Text(piece))
    doc.current_source = doc.current_line = None
    # _render_finalise: settings for later transforms, and the word count of the
    # message in the page's metadata (no slugs: a plain line is no heading).
    doc.myst_slugs = {}
    doc.settings.myst_heading_anchors_html_ids = myst_config.heading_anchors_html_ids
    doc.settings.myst_footnote_transition = myst_config.footnote_transition
    doc.settings.myst_footnote_sort = myst_config.footnote_sort
    words = sum(basic_count(piece) for code, piece in spans if not code)  # text tokens only
    meta = env.metadata.setdefault(env.current_document.docname, {})
    meta["wordcount"] = {"words": words, "minutes": int(round(words / myst_config.words_per_minute))}


def _setup_render(self: Any, options: dict[str, Any], env: Any) -> None:
    """``DocutilsRenderer.setup_render``, building the default document only when
    ``options`` has none (upstream builds it always, as the default of ``.get``)."""
    from docutils.parsers.rst.languages import get_language as get_language_rst
    from myst_parser.mdit_to_docutils.base import make_document

    self.md_env = env
    self.md_options = options
    self.md_config = options["myst_config"]
    self.document = options["document"] if "document" in options else make_document()
    self.current_node = options.get("current_node", self.document)
    self.reporter = self.document.reporter
    self.language_module_rst = get_language_rst(self.document.settings.language_code)
    self._heading_offset = 0
    self._level_to_section = {0: self.document}
    self._heading_slugs = {}


def install(verbosity: int = 0) -> list[str]:
    """Patch Sphinx and myst-parser if they are as checked; return what differs (then
    nothing is patched).  ``verbosity``: the build's (``-v`` count), for the debug
    records :mod:`bilingual.fastlocale` makes only when they are shown."""
    fastlocale.show_debug(verbosity)
    if _installed:
        _watch_logging()
        return []
    found = mismatches()
    if found:
        return found
    from myst_parser.mdit_to_docutils.base import DocutilsRenderer
    from sphinx.transforms import i18n

    _installed["_publish_msgstr"] = i18n._publish_msgstr
    _installed["setup_render"] = DocutilsRenderer.setup_render
    i18n._publish_msgstr = _fast_publish_msgstr
    DocutilsRenderer.setup_render = _setup_render  # type: ignore[method-assign]
    fastlocale.install()
    _watch_logging()
    return []


def _watch_logging() -> None:
    """Count what Sphinx logs (each Sphinx application clears the handlers it finds)."""
    sphinx_logger = logging.getLogger("sphinx")
    if _logged not in sphinx_logger.handlers:
        sphinx_logger.addHandler(_logged)


def uninstall() -> None:
    """Put Sphinx and myst-parser back as they were (tests build both ways in one process)."""
    if not _installed:
        return
    from myst_parser.mdit_to_docutils.base import DocutilsRenderer
    from sphinx.transforms import i18n

    i18n._publish_msgstr = _installed.pop("_publish_msgstr")
    DocutilsRenderer.setup_render = _installed.pop("setup_render")  # type: ignore[method-assign]
    fastlocale.uninstall()
    logging.getLogger("sphinx").removeHandler(_logged)
    _current.clear()


def installed() -> bool:
    return bool(_installed)
