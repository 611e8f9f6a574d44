# Two commands on a fresh clone (README): `make book` and `make test`. Both create .venv
# if it is missing and install the pinned requirements and the package first.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
READY  := $(VENV)/.ready

.PHONY: setup book test bench clean

setup: $(READY)

$(READY): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "Python 3.11 or newer is needed (set PYTHON=...)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

# The site, from the notebooks' stored outputs (the ones nbval checks): no re-execution.
# -W --keep-going: any Sphinx warning (a broken reference included) fails the build.
book: setup
	$(BIN)/jupyter-book build . --builder html -W -n --keep-going
	@echo "The site is in $(CURDIR)/_build/html/index.html"

test: setup
	$(BIN)/python -m pytest

# Not a test: prints timings and ratios, never fails on speed.
bench: setup
	$(BIN)/python benchmarks/bench_softmax.py

clean:
	rm -rf _build
