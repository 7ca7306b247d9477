# Two commands set everything up on a fresh machine:
#   make serve   installs the service into .venv and starts it on the SQLite default
#   make test    installs the test tools too (Debian's Chromium for the browser tests),
#                then runs the linters and the whole test suite, on SQLite and on PostgreSQL
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

# The service's own dependencies only: serving needs none of the test tools.
$(VENV)/.runtime: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

# The test tools (pytest, ruff, mypy, Playwright, ...) on top.
$(VENV)/.installed: $(VENV)/.runtime
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

# The PostgreSQL server the second run uses (its database only creates and drops the tests').
TEST_POSTGRES ?= postgresql+psycopg://postgres@127.0.0.1:5432/test

.PHONY: serve test test-sqlite test-postgres lint browser
serve: $(VENV)/.runtime
	$(PY) -m app serve

lint: $(VENV)/.installed
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy app tests migrations bench

# The browser tests drive Debian's Chromium (Playwright's own browser download is not used).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
		if [ "$$(id -u)" = 0 ]; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium; \
		else \
			echo "The browser tests need Chromium: sudo apt-get install chromium" >&2; exit 1; \
		fi; }

test: lint browser test-sqlite test-postgres

test-sqlite: $(VENV)/.installed
	$(PY) -m pytest

test-postgres: $(VENV)/.installed
	KB_TEST_DATABASE_URL=$(TEST_POSTGRES) $(PY) -m pytest
