# Two commands set everything up on a fresh machine:
#   make serve   installs the service into .venv and starts it on the SQLite default
#   make test    installs the test tools too, then runs the linters and the whole test suite
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

.PHONY: serve test lint
serve: $(VENV)/.installed
	$(PY) -m app serve

lint: $(VENV)/.installed
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy app tests migrations bench

test: lint
	$(PY) -m pytest
