"""bilingual: one book, two editions (Korean source, English translation).

Modules, one job each:

- ``sphinx_ext``: the Sphinx side: edition switcher, typography, Korean search, and the
  translation checks of the English build.
- ``catalogs``: read the gettext catalogs; what is untranslated or fuzzy, with where.
- ``comments``: comments inside listings, extracted for translators and translated at
  build time, so one tested file serves both editions.
- ``search_ko``: a Korean search language that strips particles (코루틴은 -> 코루틴).
- ``build``: build both editions and the root page that picks one.
"""
