"""Settings for ormwatch's own test suite.

The database comes from ``ORMWATCH_TEST_DB``: ``sqlite`` (default, in memory),
``postgres`` (127.0.0.1:5432, user postgres) or ``mariadb`` (127.0.0.1:3306,
root). Host, port, user and password can be overridden with ``ORMWATCH_TEST_DB_HOST``,
``..._PORT``, ``..._USER`` and ``..._PASSWORD``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parent

SECRET_KEY = "ormwatch-tests-not-secret"
DEBUG = True
USE_TZ = True
ALLOWED_HOSTS = ["*"]
ROOT_URLCONF = "tests.urls"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",  # tests/test_admin.py: N+1s in a ModelAdmin's changelist
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ormwatch",
    "tests.testapp",
    "debug_toolbar",
]

MIDDLEWARE: list[str] = []
# The admin's own middleware is set by tests/test_admin.py, the one test that needs it.
SILENCED_SYSTEM_CHECKS = ["admin.E408", "admin.E409", "admin.E410"]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "debug": True,
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "testapp" / "jinja2"],
        "APP_DIRS": False,
    },
]

STATIC_URL = "/static/"

# django-debug-toolbar, for the panel tests (tests/panel_support.py switches it
# on per test). Its DatabaseStore model is only loaded when that store is the
# configured one at start-up, so it is the default here and the tests that
# want the in-memory store override it.
DEBUG_TOOLBAR_CONFIG = {
    "TOOLBAR_STORE_CLASS": "debug_toolbar.store.DatabaseStore",
    "IS_RUNNING_TESTS": False,
}


def _database(vendor: str) -> dict[str, Any]:
    env = os.environ.get
    if vendor == "sqlite":
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}
    if vendor == "postgres":
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": env("ORMWATCH_TEST_DB_NAME", "ormwatch"),
            "HOST": env("ORMWATCH_TEST_DB_HOST", "127.0.0.1"),
            "PORT": env("ORMWATCH_TEST_DB_PORT", "5432"),
            "USER": env("ORMWATCH_TEST_DB_USER", "postgres"),
            "PASSWORD": env("ORMWATCH_TEST_DB_PASSWORD", ""),
        }
    if vendor == "mariadb":
        return {
            "ENGINE": "django.db.backends.mysql",
            "NAME": env("ORMWATCH_TEST_DB_NAME", "ormwatch"),
            "HOST": env("ORMWATCH_TEST_DB_HOST", "127.0.0.1"),
            "PORT": env("ORMWATCH_TEST_DB_PORT", "3306"),
            "USER": env("ORMWATCH_TEST_DB_USER", "root"),
            "PASSWORD": env("ORMWATCH_TEST_DB_PASSWORD", ""),
            "OPTIONS": {"charset": "utf8mb4"},
            "TEST": {"CHARSET": "utf8mb4", "COLLATION": "utf8mb4_unicode_ci"},
        }
    raise ValueError(f"ORMWATCH_TEST_DB must be sqlite, postgres or mariadb, not {vendor!r}")


_vendor = os.environ.get("ORMWATCH_TEST_DB", "sqlite")
_other = _database(_vendor)
if _vendor == "sqlite":
    _other = {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}
else:
    _other = {
        **_other,
        "TEST": {**_other.get("TEST", {}), "NAME": f"test_{_other['NAME']}_other"},
    }

# Two aliases so that tests can prove every alias is recorded.
DATABASES = {"default": _database(_vendor), "other": _other}

# The suite's scenarios and test app live in tests/, which ormwatch takes for
# test code; their write loops stand for application code. A shared machine
# can stall any statement past 100 ms: tests that expect no finding must not
# get a slow query from that (test_slow_query sets its own limits).
ORMWATCH = {"REPORT_WRITES_IN_TESTS": True, "SLOW_QUERY_MS": 2000}
