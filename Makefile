# The book's commands.  Every target sets up its own virtualenv (.venv) from
# pyproject.toml on first use, so a fresh clone needs nothing but python3 and make.
#
#   make html            build the book into _build/html/ (fails if any output drifted)
#   make livehtml        rebuild and reload in the browser on every edit (docs/ and snippets/)
#   make update-outputs  write the real output of drifted listings back into the pages
#   make test            run every test: output blocks (pytest snippets) and the tool's tests
#   make clean           remove the build, its environment and the run cache

PYTHON      ?= python3
VENV        ?= .venv
BIN         := $(VENV)/bin
STAMP       := $(VENV)/.installed
BUILDDIR    ?= _build
SPHINXOPTS  ?= --fail-on-warning --keep-going
PYTEST_ARGS ?=
PORT        ?= 8000

.PHONY: help venv html livehtml update-outputs test clean

help:
	@sed -n '4,9p' Makefile

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $@

venv: $(STAMP)

# Sphinx's own environment is not safe for two builds of one output folder at once, so
# builds of this checkout take turns (flock); the run cache itself is shared safely.
LOCK        := flock $(BUILDDIR)/.build.lock

html: $(STAMP)
	@mkdir -p $(BUILDDIR)
	$(LOCK) $(BIN)/sphinx-build -b html -c . -d $(BUILDDIR)/doctrees/ko $(SPHINXOPTS) docs $(BUILDDIR)/html/ko

livehtml: $(STAMP)
	$(BIN)/sphinx-autobuild -b html -c . -d $(BUILDDIR)/doctrees/ko --keep-going \
		--watch snippets --watch outputcheck --watch conf.py \
		--ignore '*.lock' --port $(PORT) docs $(BUILDDIR)/html/ko

update-outputs: $(STAMP)
	$(BIN)/python -m outputcheck update

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

clean:
	rm -rf $(BUILDDIR)
