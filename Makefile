# Everyday commands. Only Python 3.10+ and git are needed for `make demo` and
# `make test`; everything else is installed into .venv on first use.
# docs/development.md explains each target.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# Extra arguments for pytest, e.g. `make test PYTEST_ARGS="-k n_plus_one -x"`.
PYTEST_ARGS ?=

# Tools beyond the package's own extras. They mirror the `test` and `lint`
# dependency groups in pyproject.toml (listed here because `pip install
# --group` needs pip >= 25.1, newer than many venvs start with).
# tests/test_makefile.py checks that they match.
TEST_TOOLS := 'build>=1.2' 'hypothesis>=6' 'playwright>=1.40' 'pytest-xdist>=3.5' \
              'opentelemetry-api>=1.20' 'opentelemetry-sdk>=1.20' 'gunicorn>=25.1' \
              'uvicorn>=0.30' 'ipython>=8' 'coverage>=7.10'
# Exact versions, as in the `lint` group and .pre-commit-config.yaml.
LINT_TOOLS := 'ruff==0.17.6' 'mypy==2.4.1' 'django-stubs==6.1.2'
DIST_TOOLS := 'build>=1.2' 'twine>=5'
NOX        := 'nox>=2025.2.9'

# Stamp files record what has been installed, so a second run is instant.
# The package stamp depends on pyproject.toml: editing it re-installs.
STAMP := $(VENV)/.stamp

.PHONY: venv test test-fast test-postgres test-mariadb test-django-suite lint demo dist bench matrix clean

venv: $(STAMP)-dev

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# The demo needs the package and the toolbar only; the tests need the rest.
$(STAMP)-demo: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -e '.[toolbar]'
	touch $@

$(STAMP)-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -e '.[toolbar,pytest]' $(TEST_TOOLS)
	touch $@

$(STAMP)-postgres: $(STAMP)-dev
	$(BIN)/python -m pip install 'psycopg[binary]'
	touch $@

# mysqlclient compiles against the MariaDB client library: on Debian/Ubuntu
# `apt-get install libmariadb-dev pkg-config` first (.ci/run does this).
$(STAMP)-mariadb: $(STAMP)-dev
	$(BIN)/python -m pip install mysqlclient
	touch $@

$(STAMP)-lint: $(STAMP)-dev
	$(BIN)/python -m pip install $(LINT_TOOLS)
	touch $@

$(STAMP)-dist: | $(BIN)/python
	$(BIN)/python -m pip install $(DIST_TOOLS)
	touch $@

$(STAMP)-nox: $(STAMP)-dev
	$(BIN)/python -m pip install $(NOX)
	touch $@

# The whole suite on SQLite (in memory): no database service needed. Measures
# the coverage of ormwatch/ and fails under the floor in pyproject.toml.
test: venv
	$(BIN)/python -m coverage erase
	$(BIN)/python -m coverage run -m pytest $(PYTEST_ARGS)
	$(BIN)/python -m coverage combine --quiet
	$(BIN)/python -m coverage report

# The suite without the slow tests (load, browsers, packaging): for iterating.
test-fast: venv
	$(BIN)/pytest -m "not slow" $(PYTEST_ARGS)

# PostgreSQL on 127.0.0.1:5432, user postgres (see tests/settings.py for the
# ORMWATCH_TEST_DB_* variables that change host, port, user and password).
test-postgres: $(STAMP)-postgres
	ORMWATCH_TEST_DB=postgres $(BIN)/pytest $(PYTEST_ARGS)

# MariaDB on 127.0.0.1:3306, user root with an empty password.
test-mariadb: $(STAMP)-mariadb
	ORMWATCH_TEST_DB=mariadb $(BIN)/pytest $(PYTEST_ARGS)

# Django's own tests (from the installed Django's sdist, cached in
# .cache/django-suite/) run plain and under ormwatch, compared test by test:
# scripts/django_suite.py, docs/reliability.md. DJANGO_SUITE_LABELS picks the
# test apps; ORMWATCH_TEST_DB=postgres|mariadb the database (its driver too).
# Of tests/requirements/, the chosen labels need only the database driver
# (and psycopg's pool, for backends.postgresql); the optional ones they look
# for (Pillow, black) only change what a few tests do, the same in both runs.
SUITE_STAMP := $(STAMP)-$(if $(filter postgres mariadb,$(ORMWATCH_TEST_DB)),django-suite-$(ORMWATCH_TEST_DB),dev)

$(STAMP)-django-suite-postgres: $(STAMP)-postgres
	$(BIN)/python -m pip install 'psycopg-pool>=3.2'
	touch $@

$(STAMP)-django-suite-mariadb: $(STAMP)-mariadb
	touch $@

test-django-suite: $(SUITE_STAMP)
	$(BIN)/python scripts/django_suite.py

lint: $(STAMP)-lint
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# The example project on http://127.0.0.1:8000/ with django-debug-toolbar.
demo: $(STAMP)-demo
	$(BIN)/python example_project/manage.py migrate --noinput
	$(BIN)/python example_project/manage.py demo_data
	$(BIN)/python example_project/manage.py runserver 127.0.0.1:8000

# The sdist and the wheel in dist/, checked by twine (what PyPI would render).
# `pip install 'dist/ormwatch-<version>-py3-none-any.whl[toolbar]'` installs it.
dist: $(STAMP)-dist
	rm -rf dist
	$(BIN)/python -m build --outdir dist .
	$(BIN)/twine check --strict dist/*

# Benchmarks (bench/run.py; docs/performance.md) run in their own venv with
# the peers they compare against: django-query-doctor registers a pytest
# plugin that must not load in our test runs. BENCH_ARGS=--quick: a smoke run.
# BENCH_PYTHON=python3.13 benchmarks on Django 6.1 (docs/performance.md's figures).
BENCH_VENV   := .venv-bench
BENCH_ARGS   ?=
BENCH_PYTHON ?= $(PYTHON)

$(BENCH_VENV)/.stamp: pyproject.toml
	$(BENCH_PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install -e '.[toolbar]' django-zeal django-query-doctor
	touch $@

bench: $(BENCH_VENV)/.stamp
	$(BENCH_VENV)/bin/python bench/run.py $(BENCH_ARGS)

# Every supported (Python, Django) pair against the built wheel: see noxfile.py.
matrix: $(STAMP)-nox
	$(BIN)/nox

clean:
	rm -rf $(VENV) $(BENCH_VENV) .nox dist build .pytest_cache .mypy_cache .ruff_cache .cache
	rm -f example_project/db.sqlite3
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
