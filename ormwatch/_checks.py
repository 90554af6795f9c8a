"""System checks for the ``ORMWATCH`` setting: each message says what to write instead."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.checks import CheckMessage, Error, Warning, register

from ormwatch import _conf
from ormwatch._kinds import KINDS

_RULE_KEYS = {"kind", "relation", "path", "fingerprint"}


def _positive_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _non_negative_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0


def _fraction(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value <= 1


def _str_list(value: Any) -> bool:
    return isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value)


def _optional_bool(value: Any) -> bool:
    return value is None or isinstance(value, bool)


def _editor_url(value: Any) -> bool:
    return value is None or (isinstance(value, str) and "{path}" in value and "{line}" in value)


def _paths(value: Any) -> bool:
    return value is None or (_str_list(value) and all(v.startswith("/") for v in value))


def _raise(value: Any) -> bool:
    return isinstance(value, bool) or _str_list(value)


# key -> (validator, what to write instead)
TYPES: dict[str, tuple[Callable[[Any], bool], str]] = {
    "ENABLED": (_optional_bool, "True, False, or None to follow DEBUG"),
    "RAISE": (_raise, 'True, False, or a list of kinds such as ["n_plus_one"]'),
    "WARNINGS": (lambda v: isinstance(v, bool), "True or False"),
    "MAX_QUERIES": (_positive_int, "a positive whole number, e.g. 10000"),
    "STACK_DEPTH": (_non_negative_int, "a whole number of frames, e.g. 8"),
    "MAX_PARAM_LENGTH": (_positive_int, "a positive whole number of characters, e.g. 200"),
    "MAX_PARAMS": (_positive_int, "a positive whole number, e.g. 50"),
    "RECORD_PARAMS": (lambda v: isinstance(v, bool), "True or False"),
    "SECRET_COLUMNS": (_str_list, 'a list of name fragments, e.g. ["password", "token"]'),
    "SECRET_TABLES": (_str_list, 'a list of table names, e.g. ["auth_user"]'),
    "LIBRARY_PATHS": (_str_list, 'a list of path prefixes, e.g. ["/srv/vendor/"]'),
    "USER_PATHS": (_str_list, 'a list of path prefixes, e.g. ["/srv/app/"]'),
    "N_PLUS_ONE_THRESHOLD": (_positive_int, "a whole number of repeats of at least 1, e.g. 2"),
    "REPEATED_WRITE_THRESHOLD": (_positive_int, "a whole number of repeats of at least 1, e.g. 2"),
    "DUPLICATE_THRESHOLD": (_positive_int, "a whole number of repeats of at least 1, e.g. 2"),
    "SLOW_QUERY_MS": (_number, "a number of milliseconds, e.g. 100"),
    "REPORT_WRITES_IN_TESTS": (lambda v: isinstance(v, bool), "True or False"),
    "IGNORE": (
        lambda v: isinstance(v, (list, tuple)),
        'a list of rules such as {"kind": "n_plus_one"}',
    ),
    "EDITOR_URL": (
        _editor_url,
        'None or a URL with {path} and {line}, e.g. "vscode://file/{path}:{line}"',
    ),
    "PANEL_MAX_QUERIES": (_positive_int, "a positive whole number, e.g. 2000"),
    "SAMPLE_RATE": (_fraction, "a number from 0 to 1, e.g. 0.1 to record one request in ten"),
    "EXCLUDE_PATHS": (
        _paths,
        "None for django-debug-toolbar's URLs, or a list of path prefixes starting with /, "
        'e.g. ["/__debug__/", "/health/"]',
    ),
}


@register()
def check_settings(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """E001 unknown key, E002 wrong type, E003 bad IGNORE rule, E004 unknown kind in RAISE."""
    from django.conf import settings

    user = getattr(settings, "ORMWATCH", None)
    if user is None:
        return []
    if not isinstance(user, dict):
        return [
            Error(
                "ORMWATCH must be a dict.",
                hint='Write ORMWATCH = {"ENABLED": True, ...}.',
                id="ormwatch.E002",
            )
        ]
    messages: list[CheckMessage] = []
    for key in user:
        if key not in _conf.DEFAULTS:
            close = [
                k for k in _conf.DEFAULTS if k.replace("_", "") == str(key).upper().replace("_", "")
            ]
            hint = (
                f"Did you mean {close[0]}?"
                if close
                else f"Known keys: {', '.join(sorted(_conf.DEFAULTS))}."
            )
            messages.append(
                Error(f"ORMWATCH has an unknown key {key!r}.", hint=hint, id="ormwatch.E001")
            )
    for key, (valid, instead) in TYPES.items():
        if key in user and not valid(user[key]):
            messages.append(
                Error(
                    f"ORMWATCH[{key!r}] is {user[key]!r}.",
                    hint=f"Write {instead}.",
                    id="ormwatch.E002",
                )
            )
    rules = user.get("IGNORE")
    if isinstance(rules, (list, tuple)):
        for index, rule in enumerate(rules):
            messages.extend(_check_rule(index, rule))
    raising = user.get("RAISE")
    if _str_list(raising):
        for kind in set(raising or ()) - KINDS:
            messages.append(
                Error(
                    f"ORMWATCH['RAISE'] names an unknown kind {kind!r}.",
                    hint=f"Known kinds: {', '.join(sorted(KINDS))}.",
                    id="ormwatch.E004",
                )
            )
    return messages


def _check_rule(index: int, rule: Any) -> list[CheckMessage]:
    where = f"ORMWATCH['IGNORE'][{index}]"
    example = 'Write a dict such as {"kind": "n_plus_one", "relation": "shop.Order.customer"}.'
    if not isinstance(rule, dict) or not rule:
        return [Error(f"{where} is {rule!r}, not a rule.", hint=example, id="ormwatch.E003")]
    messages: list[CheckMessage] = []
    for key in set(rule) - _RULE_KEYS:
        messages.append(
            Error(
                f"{where} has an unknown key {key!r}.",
                hint=f"A rule takes {', '.join(sorted(_RULE_KEYS))}.",
                id="ormwatch.E003",
            )
        )
    for key in set(rule) & _RULE_KEYS:
        if not isinstance(rule[key], str):
            messages.append(
                Error(f"{where}[{key!r}] must be a string.", hint=example, id="ormwatch.E003")
            )
    if isinstance(rule.get("kind"), str) and rule["kind"] not in KINDS:
        messages.append(
            Error(
                f"{where} names an unknown kind {rule['kind']!r}.",
                hint=f"Known kinds: {', '.join(sorted(KINDS))}.",
                id="ormwatch.E003",
            )
        )
    return messages


def check_panel_needs_app(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """W001: the panel is in DEBUG_TOOLBAR_PANELS but ormwatch is not an installed app."""
    from django.apps import apps

    if apps.is_installed("ormwatch"):
        return []
    return [
        Warning(
            "ormwatch.panels.OrmWatchPanel is configured but 'ormwatch' is not in INSTALLED_APPS.",
            hint="Add 'ormwatch' to INSTALLED_APPS: it installs the recorder and the static files.",
            id="ormwatch.W001",
        )
    ]
