"""The ``ORMWATCH`` setting: every key declared once, merged over its default, rebuilt on change.

Each field of ``Settings`` is one setting: its key (the field name in capitals
unless given), default, type (the annotation, reached through ``convert``),
validation (``valid``, and ``instead``: what the system check tells the user
to write) and a one-line doc. The system checks (``_checks``) and the test of
docs/settings.md read ``TABLE``; adding a setting is adding one field.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from typing import Any

__all__ = ["TABLE", "Setting", "Settings", "get", "raw"]


@dataclass(frozen=True)
class Setting:
    """One key of ``ORMWATCH``."""

    key: str
    default: Any
    doc: str
    valid: Callable[[Any], bool]
    instead: str
    convert: Callable[[Any], Any]


def _setting(
    default: Any,
    doc: str,
    valid: Callable[[Any], bool],
    instead: str,
    convert: Callable[[Any], Any],
    key: str = "",
) -> Any:
    return field(metadata={"setting": Setting(key, default, doc, valid, instead, convert)})


# Validation: what a value must be for the system checks (E002).
def _bool(value: Any) -> bool:
    return isinstance(value, bool)


def _positive_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _non_negative_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0


def _fraction(value: Any) -> bool:
    return _number(value) and value <= 1


def str_list(value: Any) -> bool:
    return isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value)


def _optional_bool(value: Any) -> bool:
    return value is None or isinstance(value, bool)


def _editor_url(value: Any) -> bool:
    return value is None or (isinstance(value, str) and "{path}" in value and "{line}" in value)


def _raise(value: Any) -> bool:
    return isinstance(value, bool) or str_list(value)


def _paths(value: Any) -> bool:
    return value is None or (str_list(value) and all(v.startswith("/") for v in value))


def _list(value: Any) -> bool:
    return isinstance(value, (list, tuple))


# Conversion: the value a Settings field holds.
def _enabled(value: Any) -> bool:
    if value is None:
        from django.conf import settings

        return bool(settings.configured and settings.DEBUG)
    return bool(value)


def _raise_kinds(value: Any) -> frozenset[str] | None:
    if not value:
        return None
    return frozenset() if value is True else frozenset(str(k) for k in value)


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in value)


def _optional_strings(value: Any) -> tuple[str, ...] | None:
    return None if value is None else _strings(value)


def _optional_str(value: Any) -> str | None:
    return str(value) if value else None


def _rules(value: Any) -> tuple[dict[str, Any], ...]:
    return tuple(dict(rule) for rule in value)


_REPEATS = "a whole number of repeats of at least 1, e.g. 2"


# One setting per field: default, one-line doc, validation, what to write
# instead, conversion. Kept as a table, one field to a few lines.
# fmt: off
@dataclass(frozen=True)
class Settings:
    enabled: bool = _setting(
        None, "Record requests (middleware, panel)? None follows settings.DEBUG.",
        _optional_bool, "True, False, or None to follow DEBUG", _enabled,
    )
    raise_kinds: frozenset[str] | None = _setting(
        False, "Fail the request with OrmWatchError on findings: False, True, or a list of kinds.",
        _raise, 'True, False, or a list of kinds such as ["n_plus_one"]', _raise_kinds,
        key="RAISE",
    )  # None: raise mode off; empty: every kind
    warnings: bool = _setting(
        False, "Also emit each finding as an OrmWatchWarning, for Python's warnings filters.",
        _bool, "True or False", bool,
    )
    max_queries: int = _setting(
        10_000, "Queries kept in full per report; beyond it they are only counted.",
        _positive_int, "a positive whole number, e.g. 10000", int,
    )
    stack_depth: int = _setting(
        8, 'User frames kept per query after the call site (the "trimmed stack").',
        _non_negative_int, "a whole number of frames, e.g. 8", int,
    )
    max_param_length: int = _setting(
        200, "Characters kept of one string parameter.",
        _positive_int, "a positive whole number of characters, e.g. 200", int,
    )
    max_params: int = _setting(
        50, "Items kept of one list of parameters.",
        _positive_int, "a positive whole number, e.g. 50", int,
    )
    record_params: bool = _setting(
        True, "Keep query parameters at all? False stores none (the SQL only).",
        _bool, "True or False", bool,
    )
    secret_columns: tuple[str, ...] = _setting(
        ["password", "passwd", "secret", "token", "key", "credential", "salt"],
        "Parameters of columns whose names contain one of these are stored as ***.",
        str_list, 'a list of name fragments, e.g. ["password", "token"]', _strings,
    )
    secret_tables: tuple[str, ...] = _setting(
        ["auth_user", "django_session", "authtoken_token"],
        "Every parameter of statements naming one of these tables is stored as ***.",
        str_list, 'a list of table names, e.g. ["auth_user"]', _strings,
    )
    library_paths: tuple[str, ...] = _setting(
        [], "Path prefixes that count as library code.",
        str_list, 'a list of path prefixes, e.g. ["/srv/vendor/"]', _strings,
    )
    user_paths: tuple[str, ...] = _setting(
        [], "Path prefixes that count as user code even inside site-packages.",
        str_list, 'a list of path prefixes, e.g. ["/srv/app/"]', _strings,
    )
    n_plus_one_threshold: int = _setting(
        2, "Distinct instances a repeated lazy load must touch to be an N+1.",
        _positive_int, _REPEATS, int,
    )
    repeated_write_threshold: int = _setting(
        2, "Single-row writes from one call site that make a repeated_write.",
        _positive_int, _REPEATS, int,
    )
    duplicate_threshold: int = _setting(
        2, "Runs of identical SQL and parameters that make a duplicate_query.",
        _positive_int, _REPEATS, int,
    )
    slow_query_ms: float = _setting(
        100, "Milliseconds above which one statement is a slow_query.",
        _number, "a number of milliseconds, e.g. 100", float,
    )
    report_writes_in_tests: bool = _setting(
        False, "Report repeated writes in test modules too (set-up loops write rows on purpose).",
        _bool, "True or False", bool,
    )
    ignore: tuple[dict[str, Any], ...] = _setting(
        [], "Rules silencing findings: dicts with any of kind, relation, path, fingerprint.",
        _list, 'a list of rules such as {"kind": "n_plus_one"}', _rules,
    )
    editor_url: str | None = _setting(
        None, 'Turns paths into editor links, e.g. "vscode://file/{path}:{line}".',
        _editor_url, 'None or a URL with {path} and {line}, e.g. "vscode://file/{path}:{line}"',
        _optional_str,
    )
    panel_max_queries: int = _setting(
        2000, "Queries the toolbar panel stores in full per request; the rest are counted.",
        _positive_int, "a positive whole number, e.g. 2000", int,
    )
    sample_rate: float = _setting(
        1.0, "Fraction of requests the middleware records (0 to 1), for staging fleets.",
        _fraction, "a number from 0 to 1, e.g. 0.1 to record one request in ten", float,
    )
    exclude_paths: tuple[str, ...] | None = _setting(
        None, "Path prefixes the middleware never records or logs; None: the toolbar's URLs.",
        _paths, "None for django-debug-toolbar's URLs, or a list of path prefixes starting "
        'with /, e.g. ["/__debug__/", "/health/"]', _optional_strings,
    )
# fmt: on


# field name -> its Setting, in declaration order, each with its key filled in.
_FIELDS: dict[str, Setting] = {
    f.name: replace(s, key=s.key or f.name.upper())
    for f in fields(Settings)
    for s in [f.metadata["setting"]]
}
TABLE: dict[str, Setting] = {s.key: s for s in _FIELDS.values()}
"""Every setting by its ``ORMWATCH`` key."""


def raw() -> dict[str, Any]:
    """The ``ORMWATCH`` dict merged over the defaults, unconverted."""
    from django.conf import settings

    defaults = {key: s.default for key, s in TABLE.items()}
    if not settings.configured:
        return defaults
    user: dict[str, Any] = getattr(settings, "ORMWATCH", None) or {}
    return {**defaults, **user}


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
    return Settings(**{name: s.convert(values[s.key]) for name, s in _FIELDS.items()})
