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
TEST_TOOLS := build hypothesis playwright 'gunicorn>=25.1' 'uvicorn>=0.30'
LINT_TOOLS := 'ruff>=0.8' 'mypy>=1.13' 'django-stubs>=5.1'
NOX        := 'nox>=2025.2.9'

# Stamp files record what has been installed, so a second run is instant.
# The package stamp depends on pyproject.toml: editing it re-installs.
STAMP := $(VENV)/.stamp

.PHONY: venv test test-postgres test-mariadb lint demo bench matrix clean

venv: $(STAMP)-dev

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

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

$(STAMP)-nox: $(STAMP)-dev
	$(BIN)/python -m pip install $(NOX)
	touch $@

# The whole suite on SQLite (in memory): no database service needed.
test: venv
	$(BIN)/pytest $(PYTEST_ARGS)

# PostgreSQL on 127.0.0.1:5432, user postgres (see tests/settings.py for the
# ORMWATCH_TEST_DB_* variables that change host, port, user and password).
test-postgres: $(STAMP)-postgres
	ORMWATCH_TEST_DB=postgres $(BIN)/pytest $(PYTEST_ARGS)

# MariaDB on 127.0.0.1:3306, user root with an empty password.
test-mariadb: $(STAMP)-mariadb
	ORMWATCH_TEST_DB=mariadb $(BIN)/pytest $(PYTEST_ARGS)

lint: $(STAMP)-lint
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# The example project on http://127.0.0.1:8000/ with django-debug-toolbar.
demo: venv
	$(BIN)/python example_project/manage.py migrate --noinput
	$(BIN)/python example_project/manage.py seed
	$(BIN)/python example_project/manage.py runserver 127.0.0.1:8000

bench: venv
	$(BIN)/python bench/run.py

# Every supported (Python, Django) pair against the built wheel: see noxfile.py.
matrix: $(STAMP)-nox
	$(BIN)/nox

clean:
	rm -rf $(VENV) .nox dist build .pytest_cache .mypy_cache .ruff_cache
	rm -f example_project/db.sqlite3
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
