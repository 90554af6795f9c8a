"""The example project's settings, for serving it under load (tests/test_load.py).

Everything of ``config.settings`` (toolbar, ormwatch's middleware, every page)
plus: the database from ``ORMWATCH_TEST_DB`` (SQLite file ``EXAMPLE_DB``, or
``ORMWATCH_LOAD_DB_NAME`` on PostgreSQL or MariaDB), ``MarkerMiddleware``
inside ormwatch's, the ``/load/threads/`` page, and every ``ormwatch`` and
error log record written as one JSON line to ``ORMWATCH_LOAD_LOG``.
"""

from __future__ import annotations

import os

from config.settings import *  # noqa: F403
from config.settings import MIDDLEWARE

from tests.settings import _database

_vendor = os.environ.get("ORMWATCH_TEST_DB", "sqlite")
if _vendor != "sqlite":
    DATABASES = {
        "default": {**_database(_vendor), "NAME": os.environ["ORMWATCH_LOAD_DB_NAME"]},
    }

ROOT_URLCONF = "tests.load_project.urls"
ALLOWED_HOSTS = ["127.0.0.1"]
# Eight clients on a shared machine make any statement slow now and then; the
# load test compares each request's findings with the page's, so slow_query is
# kept out of it.
ORMWATCH = {"ENABLED": True, "SLOW_QUERY_MS": 60_000}

_at = MIDDLEWARE.index("ormwatch.middleware.OrmWatchMiddleware") + 1
# Inside ormwatch's middleware: its marker statements belong to the recording.
MIDDLEWARE = [
    *MIDDLEWARE[:_at],
    "tests.load_project.middleware.MarkerMiddleware",
    *MIDDLEWARE[_at:],
]

# The toolbar stays on, as under `make demo`, with the panels that take part in
# recording (ORM Watch, which shares the request's recording with the
# middleware) and the history that stores each request; the others only cost time.
DEBUG_TOOLBAR_PANELS = [
    "debug_toolbar.panels.history.HistoryPanel",
    "ormwatch.panels.OrmWatchPanel",
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "tests.load_project.logs.JsonLines"}},
    "handlers": {
        "file": {
            "class": "logging.FileHandler",
            "filename": os.environ["ORMWATCH_LOAD_LOG"],
            "formatter": "json",
        }
    },
    # Warnings and errors of every logger (django.request's 500s among them),
    # and ormwatch's per-request records.
    "root": {"handlers": ["file"], "level": "WARNING"},
    "loggers": {"ormwatch": {"handlers": ["file"], "level": "INFO", "propagate": False}},
}
