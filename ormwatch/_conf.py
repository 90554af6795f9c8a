"""The ``ORMWATCH`` setting, merged over the defaults and rebuilt whenever it changes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

DEFAULTS: dict[str, Any] = {
    # Record requests (middleware, panel)? None follows settings.DEBUG.
    "ENABLED": None,
    # Fail the request with OrmWatchError on findings: False, True, or a list of kinds.
    "RAISE": False,
    # Also emit each finding as an OrmWatchWarning, for Python's warnings filters.
    "WARNINGS": False,
    # Queries kept in full per report; beyond it they are only counted.
    "MAX_QUERIES": 10_000,
    # User frames kept per query after the call site (the "trimmed stack").
    "STACK_DEPTH": 8,
    # Characters kept of one string parameter, and items of one list of them.
    "MAX_PARAM_LENGTH": 200,
    "MAX_PARAMS": 50,
    # Keep query parameters at all? False stores none (the SQL only).
    "RECORD_PARAMS": True,
    # Parameters of columns whose names contain one of these, and every
    # parameter of statements naming one of these tables, are stored as ***.
    "SECRET_COLUMNS": ["password", "passwd", "secret", "token", "key", "credential", "salt"],
    "SECRET_TABLES": ["auth_user", "django_session", "authtoken_token"],
    # Path prefixes that count as library code, and ones that count as user
    # code even inside site-packages (your own installed packages).
    "LIBRARY_PATHS": [],
    "USER_PATHS": [],
    # How many repeats make an N+1, a repeated write, a duplicate.
    "N_PLUS_ONE_THRESHOLD": 2,
    "REPEATED_WRITE_THRESHOLD": 2,
    "DUPLICATE_THRESHOLD": 2,
    "SLOW_QUERY_MS": 100.0,
    # Report repeated writes in test modules too (set-up loops write rows one by one on purpose).
    "REPORT_WRITES_IN_TESTS": False,
    # Rules silencing findings: dicts with any of kind, relation, path, fingerprint.
    "IGNORE": [],
    # Turns paths into editor links, e.g. "vscode://file/{path}:{line}".
    "EDITOR_URL": None,
    # Queries the toolbar panel stores in full per request; the rest are counted.
    "PANEL_MAX_QUERIES": 2000,
    # Fraction of requests the middleware records (0 to 1), for staging fleets.
    "SAMPLE_RATE": 1.0,
    # Path prefixes the middleware never records or logs; None: the toolbar's URLs.
    "EXCLUDE_PATHS": None,
}


@dataclass(frozen=True)
class Settings:
    enabled: bool
    raise_kinds: frozenset[str] | None  # None: raise mode off; empty: every kind
    warnings: bool
    max_queries: int
    stack_depth: int
    max_param_length: int
    max_params: int
    record_params: bool
    secret_columns: tuple[str, ...]
    secret_tables: tuple[str, ...]
    library_paths: tuple[str, ...]
    user_paths: tuple[str, ...]
    n_plus_one_threshold: int
    repeated_write_threshold: int
    duplicate_threshold: int
    slow_query_ms: float
    report_writes_in_tests: bool
    ignore: tuple[dict[str, Any], ...]
    editor_url: str | None
    panel_max_queries: int
    sample_rate: float
    exclude_paths: tuple[str, ...] | None  # None: django-debug-toolbar's URL prefix


def _enabled(value: Any) -> bool:
    if value is None:
        from django.conf import settings

        return bool(settings.configured and settings.DEBUG)
    return bool(value)


def raw() -> dict[str, Any]:
    from django.conf import settings

    if not settings.configured:
        return dict(DEFAULTS)
    user: dict[str, Any] = getattr(settings, "ORMWATCH", None) or {}
    return {**DEFAULTS, **user}


# The last Settings built, with the ORMWATCH object and DEBUG it was built
# from: get() runs several times per request, and building costs ~10 us.
# Replacing either setting (override_settings, pytest-django's ``settings``,
# a plain assignment) misses the cache: a new Settings object, which in turn
# starts the per-statement caches of ormwatch._record._statements afresh.
_cache: tuple[object, object, Settings] | None = None


def get() -> Settings:
    """The current settings, merged over the defaults."""
    global _cache
    from django.conf import settings

    if not settings.configured:
        return _build(raw())
    user, debug = getattr(settings, "ORMWATCH", None), settings.DEBUG
    cached = _cache
    if cached is not None and cached[0] is user and cached[1] is debug:
        return cached[2]
    built = _build(raw())
    _cache = (user, debug, built)
    return built


def _build(values: dict[str, Any]) -> Settings:
    raising = values["RAISE"]
    return Settings(
        enabled=_enabled(values["ENABLED"]),
        raise_kinds=(
            None
            if not raising
            else frozenset()
            if raising is True
            else frozenset(str(k) for k in raising)
        ),
        warnings=bool(values["WARNINGS"]),
        max_queries=int(values["MAX_QUERIES"]),
        stack_depth=int(values["STACK_DEPTH"]),
        max_param_length=int(values["MAX_PARAM_LENGTH"]),
        max_params=int(values["MAX_PARAMS"]),
        record_params=bool(values["RECORD_PARAMS"]),
        secret_columns=tuple(str(c) for c in values["SECRET_COLUMNS"]),
        secret_tables=tuple(str(t) for t in values["SECRET_TABLES"]),
        library_paths=tuple(str(p) for p in values["LIBRARY_PATHS"]),
        user_paths=tuple(str(p) for p in values["USER_PATHS"]),
        n_plus_one_threshold=int(values["N_PLUS_ONE_THRESHOLD"]),
        repeated_write_threshold=int(values["REPEATED_WRITE_THRESHOLD"]),
        duplicate_threshold=int(values["DUPLICATE_THRESHOLD"]),
        slow_query_ms=float(values["SLOW_QUERY_MS"]),
        report_writes_in_tests=bool(values["REPORT_WRITES_IN_TESTS"]),
        ignore=tuple(dict(rule) for rule in values["IGNORE"]),
        editor_url=str(values["EDITOR_URL"]) if values["EDITOR_URL"] else None,
        panel_max_queries=int(values["PANEL_MAX_QUERIES"]),
        sample_rate=float(values["SAMPLE_RATE"]),
        exclude_paths=(
            None
            if values["EXCLUDE_PATHS"] is None
            else tuple(str(p) for p in values["EXCLUDE_PATHS"])
        ),
    )
