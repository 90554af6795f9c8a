"""Settings for Django's ``tests/runtests.py``, modelled on its ``tests/test_sqlite.py``.

The database comes from the same variables as ormwatch's own suite
(``ORMWATCH_TEST_DB=sqlite|postgres|mariadb``, ``ORMWATCH_TEST_DB_HOST``,
``_PORT``, ``_USER``, ``_PASSWORD``, ``_NAME``; see ``tests/settings.py``).
Django's suite needs two aliases, ``default`` and ``other``. Their test
databases are named after ``django_suite`` so they never collide with
``test_ormwatch`` of a concurrent ``make test-postgres``.
"""

from __future__ import annotations

import os
from typing import Any

SECRET_KEY = "django_tests_secret_key"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
USE_TZ = False
# runtests.py keeps this setting: both runs go through our runner, which
# records each test's outcome and, in the watched run, wraps it in watch().
TEST_RUNNER = "djsuite.runner.SuiteRunner"


def _database(vendor: str, alias: str) -> dict[str, Any]:
    env = os.environ.get
    name = env("ORMWATCH_TEST_DB_NAME", "django_suite")
    if alias != "default":
        name = f"{name}_{alias}"
    if vendor == "sqlite":
        return {"ENGINE": "django.db.backends.sqlite3"}
    if vendor == "postgres":
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": name,
            "HOST": env("ORMWATCH_TEST_DB_HOST", "127.0.0.1"),
            "PORT": env("ORMWATCH_TEST_DB_PORT", "5432"),
            "USER": env("ORMWATCH_TEST_DB_USER", "postgres"),
            "PASSWORD": env("ORMWATCH_TEST_DB_PASSWORD", ""),
        }
    if vendor == "mariadb":
        return {
            "ENGINE": "django.db.backends.mysql",
            "NAME": name,
            "HOST": env("ORMWATCH_TEST_DB_HOST", "127.0.0.1"),
            "PORT": env("ORMWATCH_TEST_DB_PORT", "3306"),
            "USER": env("ORMWATCH_TEST_DB_USER", "root"),
            "PASSWORD": env("ORMWATCH_TEST_DB_PASSWORD", ""),
            "OPTIONS": {"charset": "utf8mb4"},
            "TEST": {"CHARSET": "utf8mb4", "COLLATION": "utf8mb4_unicode_ci"},
        }
    raise ValueError(f"ORMWATCH_TEST_DB must be sqlite, postgres or mariadb, not {vendor!r}")


VENDOR = os.environ.get("ORMWATCH_TEST_DB", "sqlite")
DATABASES = {alias: _database(VENDOR, alias) for alias in ("default", "other")}
