# The book's commands.  Every target sets up its own virtualenv (.venv) from
# pyproject.toml on first use, so a fresh clone needs nothing but python3 and make.
#
#   make html            build both editions into _build/html/ (fails if any output or translation drifted)
#                        (EDITIONS=ko: only the Korean one, while the English catalogs lag)
#   make livehtml        rebuild and reload in the browser on every edit (EDITION=en: the English one)
#   make epub            an EPUB of each edition in _build/epub/ (checked by epubcheck)
#   make update-outputs  write the real output of drifted listings back into the pages
#   make matrix          verify every listing on Python 3.11, 3.12, 3.13 (snippets/verified.json)
#   make test            run every test: output blocks (pytest snippets) and the tool's tests
#   make translations    refresh the English catalogs (docs/locale/en) from the Korean pages
#   make bench           build speed against its floors and a peer, CPU of make clean && make html (bench/RESULTS.md)
#   make soak            every listing 100 times idle, 20 loaded, 200 under heavy load; 100 live-preview cycles (bench/SOAK.md)
#   make clean           remove the build, its environment and the run cache

PYTHON      ?= python3
VENV        ?= .venv
BIN         := $(VENV)/bin
STAMP       := $(VENV)/.installed
BUILDDIR    ?= _build
SPHINXOPTS  ?= --fail-on-warning --keep-going
PYTEST_ARGS ?=
PORT        ?= 8000
EDITIONS    ?= ko en
EDITION     ?= ko
BENCH_ARGS  ?=
SOAK_ARGS   ?=
UPDATE_ARGS ?=
LIVE_SOAK_ARGS ?=
# Debian's epubcheck is a jar; run it with java where the jar is not directly executable.
EPUBCHECK   ?= $(shell if [ -f /usr/share/java/epubcheck.jar ]; then echo "java -jar /usr/share/java/epubcheck.jar"; \
                 elif command -v epubcheck >/dev/null; then echo epubcheck; fi)

.PHONY: help venv html epub livehtml update-outputs matrix test clean gettext translations bench soak

help:
	@sed -n '4,15p' Makefile

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test,bench]'
	@touch $@

venv: $(STAMP)

# Sphinx's own environment is not safe for two builds of one output folder at once, so
# builds of this checkout take turns (flock); the run cache itself is shared safely.
LOCK        := flock $(BUILDDIR)/.build.lock

html: $(STAMP)
	@mkdir -p $(BUILDDIR)
	$(LOCK) $(BIN)/python -m bilingual.build --builddir $(BUILDDIR) --editions "$(EDITIONS)" -- $(SPHINXOPTS)

# EPUB of each edition, checked by epubcheck when it is installed.
epub: $(STAMP)
	@mkdir -p $(BUILDDIR)
	$(LOCK) $(BIN)/python -m bilingual.build --builder epub --builddir $(BUILDDIR) -- $(SPHINXOPTS)
	@if [ -n "$(EPUBCHECK)" ]; then \
		for f in $(BUILDDIR)/epub/*/*.epub; do echo "epubcheck $$f"; $(EPUBCHECK) -q "$$f" || exit 1; done; \
	else echo "epubcheck is not installed (apt-get install epubcheck): EPUBs not checked"; fi

# Message templates of the Korean source (pages and listing comments) ...
gettext: $(STAMP)
	@mkdir -p $(BUILDDIR)
	$(LOCK) $(BIN)/sphinx-build -q -b gettext -c . docs $(BUILDDIR)/gettext
	$(BIN)/python -m bilingual.comments snippets . $(BUILDDIR)/gettext/snippets.pot

# ... merged into the English catalogs: new text appears untranslated, changed text fuzzy.
translations: gettext
	$(BIN)/sphinx-intl update -p $(BUILDDIR)/gettext -d docs/locale -l en -w 0

# The preview has folders of its own, so a make html meanwhile never shares its state;
# a failing block is marked on its page there (make html fails instead).
livehtml: $(STAMP)
	BOOK_LANGUAGE=$(EDITION) exec $(BIN)/python -m outputcheck.live -b html -c . -d $(BUILDDIR)/doctrees/live/$(EDITION) --keep-going \
		-D outputcheck_mark_failures=1 \
		--watch snippets --watch outputcheck --watch conf.py \
		--ignore '*.lock' --port $(PORT) docs $(BUILDDIR)/live/$(EDITION)

# UPDATE_ARGS=--write-fullest: write a racy block's run with the most optional lines instead of refusing it.
update-outputs: $(STAMP)
	$(BIN)/python -m outputcheck update $(UPDATE_ARGS)

# Every block on every supported Python (3.11-3.13 where installed); rewrites snippets/verified.json.
matrix: $(STAMP)
	$(BIN)/python -m outputcheck matrix

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Build speed against its floors and a peer, and the wall time and CPU of `make clean && make html`
# beside the peer's; writes bench/RESULTS.md.  BENCH_ARGS='--runs 1' for a quick try.
# Then how fast an interrupted build stops (bench/INTERRUPTS.md), even when a speed target
# was missed; an interrupted bench (130, 143) stops there.  Fails if either failed.
bench: $(STAMP)
	@status=0; $(BIN)/python bench/run.py $(BENCH_ARGS) || status=$$?; \
	case $$status in 130|143) exit $$status;; esac; \
	$(BIN)/python bench/interrupts.py || status=$$?; \
	exit $$status

# Every check run 100 times idle, 20 times with the cores loaded, 200 times under heavy load (CPU
# burners, a second clean build, Chromium rendering the book); bench/SOAK.md.
# SOAK_ARGS='--rounds 2 --loaded-rounds 2 --heavy-rounds 3' for a quick try.
# Then the live preview started, edited, rebuilt, fixed and stopped by random signals, 100
# times beside a CPU load (a section of bench/SOAK.md; LIVE_SOAK_ARGS='--cycles 5' for a quick
# try), even when the first part failed; an interrupted soak (130, 143) stops there.
soak: $(STAMP)
	@status=0; $(BIN)/python bench/soak.py $(SOAK_ARGS) || status=$$?; \
	case $$status in 130|143) exit $$status;; esac; \
	$(BIN)/python bench/livesoak.py $(LIVE_SOAK_ARGS) || status=$$?; \
	exit $$status

clean:
	rm -rf $(BUILDDIR)
