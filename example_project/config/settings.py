"""Settings for the example project: SQLite next to this folder, DEBUG on,
django-debug-toolbar with the ORM Watch panel, and ormwatch's middleware
logging each request's findings to the console. Not for production.

``EXAMPLE_DB`` overrides the database file (the tests use ``:memory:``).
"""

from __future__ import annotations

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = "ormwatch-example-project-not-secret"
DEBUG = True
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
INTERNAL_IPS = ["127.0.0.1"]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.staticfiles",
    "debug_toolbar",
    "ormwatch",
    "pitfalls",
    "accounts",
    "blog",
    "library",
    "pizzeria",
    "shop",
]

MIDDLEWARE = [
    "django.middleware.common.CommonMiddleware",
    "debug_toolbar.middleware.DebugToolbarMiddleware",
    # After the toolbar, so the toolbar's own work stays out of the recording.
    "ormwatch.middleware.OrmWatchMiddleware",
    # Writes each page's query count into the page (pitfalls/middleware.py).
    "pitfalls.middleware.QueryCountMiddleware",
]

ROOT_URLCONF = "config.urls"
AUTH_USER_MODEL = "accounts.User"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "pitfalls.context_processors.pitfall",
            ],
        },
    },
    {
        # One page (library/jinja2/library/books.jinja) is rendered by Jinja2.
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "environment": "config.jinja2.environment",
            "context_processors": [
                "django.template.context_processors.request",
                "pitfalls.context_processors.pitfall",
            ],
        },
    },
]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("EXAMPLE_DB") or BASE_DIR / "db.sqlite3",
    }
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
TIME_ZONE = "UTC"
STATIC_URL = "static/"

# The toolbar's default panels, with ORM Watch right after the SQL panel.
DEBUG_TOOLBAR_PANELS = [
    "debug_toolbar.panels.history.HistoryPanel",
    "debug_toolbar.panels.versions.VersionsPanel",
    "debug_toolbar.panels.timer.TimerPanel",
    "debug_toolbar.panels.settings.SettingsPanel",
    "debug_toolbar.panels.headers.HeadersPanel",
    "debug_toolbar.panels.request.RequestPanel",
    "debug_toolbar.panels.sql.SQLPanel",
    "ormwatch.panels.OrmWatchPanel",
    "debug_toolbar.panels.staticfiles.StaticFilesPanel",
    "debug_toolbar.panels.templates.TemplatesPanel",
    "debug_toolbar.panels.alerts.AlertsPanel",
    "debug_toolbar.panels.cache.CachePanel",
    "debug_toolbar.panels.signals.SignalsPanel",
    "debug_toolbar.panels.tasks.TasksPanel",
    "debug_toolbar.panels.community.CommunityPanel",
    "debug_toolbar.panels.redirects.RedirectsPanel",
    "debug_toolbar.panels.profiling.ProfilingPanel",
]

# ormwatch records every request while DEBUG is on; its middleware logs one
# WARNING per finding (INFO for an info finding) and an INFO summary per request
# to the "ormwatch" logger.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"level": {"format": "{levelname:<7} [{name}] {message}", "style": "{"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "level"}},
    "loggers": {"ormwatch": {"handlers": ["console"], "level": "INFO"}},
}
