# Two commands on a fresh clone (README): `make book` and `make test`. Both set up first:
# .venv from requirements.lock (every package, with hashes) and the package, and the web
# assets from npm.

PYTHON   ?= python3
VENV     := .venv
BIN      := $(VENV)/bin
READY    := $(VENV)/.ready
NODE     := node_modules/.package-lock.json
VENDOR   := web/vendor/icons.css
CHROMIUM := /usr/bin/chromium
BWRAP    := /usr/bin/bwrap
SUDO     := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
ALLOW_ROOT := $(shell [ "$$(id -u)" = 0 ] && echo --allow-root)

LAB_ARGS ?=
BOOK_URL ?=

# Compiled modules are cached (__pycache__, ignored by git) even where the environment says not
# to (PYTHONDONTWRITEBYTECODE): without the cache, pytest rewrites every test file's asserts in
# each worker, and every kernel, worker and grading sandbox compiles the package again.
export PYTHONDONTWRITEBYTECODE :=

.PHONY: setup lock lab book pdf serve test test-fast lint bench bench-widgets bench-site bench-grading handouts grade solutions clean

setup: $(READY) $(VENDOR)

# requirements.txt names what the project uses, pinned; requirements.lock is every package
# (transitive ones, pip and setuptools included) with the hashes of its files, written by
# `make lock`. Setting up checks the two agree, then installs exactly the lock: --no-deps
# (the lock is complete, and `pip check` below proves it), --require-hashes, and wheels only
# (no package's build code runs). The package itself is installed editable (so not hashed),
# built by the locked setuptools.
$(READY): requirements.txt requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11, 7))' || \
	  { echo "Python 3.11.7 or newer is needed, for the lock (set PYTHON=...)"; exit 1; }
	@grep -oiE '^[a-z0-9._-]+==[^ ;#]+' requirements.txt | while read -r pin; do \
	  grep -qiE "^$$pin( |$$)" requirements.lock || \
	  { echo "requirements.lock has no $$pin from requirements.txt: run \`make lock\`"; exit 1; }; done
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps --only-binary=:all: -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/python -m pip check
	touch $@

# Rewrite requirements.lock from requirements.txt (after changing a pin there; README: "The
# locked environment"). One lock for every platform, Python 3.11.7 or newer. It leaves out
# rfc3987-syntax and lark: jupyter-events asks for jsonschema's format-nongpl extra, which
# brings them, and jsonschema then builds rfc3987-syntax's grammar at every import (2-3 s of
# CPU for every nbformat import, kernel, grader and book build) to check the "iri" format,
# which nothing here uses. Without them jsonschema skips that one format; `pip check` passes.
LOCK_COMMAND := uv pip compile requirements.txt --universal --python-version 3.11.7 --generate-hashes \
                --no-emit-package rfc3987-syntax --no-emit-package lark -o requirements.lock

lock: $(BIN)/uv
	$(BIN)/$(LOCK_COMMAND) --quiet

# The lock's own uv, from the lock with its hashes: a lock can be written before the rest is
# set up (setting up refuses a lock that lacks a pin of requirements.txt).
$(BIN)/uv: requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	awk '/^uv==/ {p = 1} p {print} p && !/\\$$/ {exit}' requirements.lock > $(VENV)/uv.lock.txt
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r $(VENV)/uv.lock.txt
	touch $@

# Web assets come from the npm registry, pinned by package-lock.json, and are served locally.
$(NODE): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

$(VENDOR): $(NODE) tools/vendor_assets.py $(wildcard src/softmaxbook/widgets/*.js)
	$(PYTHON) tools/vendor_assets.py

# Browser tests drive Debian's Chromium (Playwright never downloads a browser here); grading
# sandboxes each submission with bubblewrap.
$(CHROMIUM):
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium

$(BWRAP):
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq bubblewrap

# The chapters in JupyterLab, for this machine only (127.0.0.1), with the package installed:
# the learner's way in. No browser install; npm brings mathjs, which formula questions read
# formulas with (tools/vendor_assets.py copies it beside the widgets, and the kernel sends it).
# jupyterlab-myst (in the lock) renders the chapters' MyST. JupyterLab refuses to run as root
# unless told: containers and CI run as root, so there it is told.
lab: $(READY) $(VENDOR)
	$(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 --ServerApp.root_dir=chapters $(ALLOW_ROOT) $(LAB_ARGS)

# The site, from the notebooks' stored outputs (the ones nbval checks): no re-execution.
# -W --keep-going: any Sphinx warning (a broken reference included) fails the build.
book: setup
	$(BIN)/python tools/build_book.py

# The whole book as one PDF, _build/pdf/softmaxbook.pdf: the site built, then printed by
# Debian's Chromium (tools/build_pdf.py).
pdf: setup $(CHROMIUM)
	$(BIN)/python tools/build_pdf.py

# A local look at the built site (Ctrl-C stops it).
serve: book
	@echo "Serving http://127.0.0.1:8000/ (Ctrl-C to stop)"
	$(BIN)/python -m http.server 8000 --bind 127.0.0.1 --directory _build/html

# Every test, on two workers (pytest-xdist; --dist loadfile keeps a file's tests together, so
# a notebook's cells share one kernel), after the linter.
test: setup $(CHROMIUM) $(BWRAP) lint
	$(BIN)/python -m pytest -n 2 --dist loadfile

# The inner loop: the library, doctests and strict nbval of the chapters; no browser, no site
# build, no wheel, no grading (those are marked slow).
test-fast: setup
	$(BIN)/python -m pytest -n 2 --dist loadfile -m "not slow"

lint: setup
	$(BIN)/ruff check .

# Not tests: they print timings and ratios and never fail on speed.
bench: setup
	$(BIN)/python benchmarks/bench_softmax.py

bench-widgets: setup $(CHROMIUM)
	$(BIN)/python benchmarks/bench_widgets.py

bench-site: setup $(CHROMIUM)
	$(BIN)/python benchmarks/bench_site.py

bench-grading: setup $(BWRAP)
	$(BIN)/python benchmarks/bench_grading.py

# Classroom (README): student handouts and autograders, grading a folder of submissions (each
# in its own sandbox) into a CSV with feedback, and solutions to release; in build/classroom/.
CLASSROOM := $(BIN)/python -m softmaxbook.classroom

# BOOK_URL=https://... (the teacher's copy of the site): each handout links to its chapter there.
handouts: setup
	$(CLASSROOM) build $(if $(BOOK_URL),--book-url $(BOOK_URL))

grade: setup $(BWRAP)
	@test -n "$(ASSIGNMENT)" -a -n "$(SUBMISSIONS)" || \
	  { echo "usage: make grade ASSIGNMENT=02-softmax SUBMISSIONS=folder/of/notebooks [CSV=grades.csv] [GRADE_FLAGS=...]"; exit 2; }
	@test -f build/classroom/$(ASSIGNMENT)/autograder.sha256 || $(CLASSROOM) build $(ASSIGNMENT)
	$(CLASSROOM) grade $(ASSIGNMENT) $(SUBMISSIONS) --csv $(or $(CSV),grades-$(ASSIGNMENT).csv) $(GRADE_FLAGS)

solutions: setup
	@test -d build/classroom || $(CLASSROOM) build
	$(CLASSROOM) release

clean:
	rm -rf _build build/classroom
