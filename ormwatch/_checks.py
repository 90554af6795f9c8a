"""System checks for the ``ORMWATCH`` setting: each message says what to write instead."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Error, Warning, register

from ormwatch import _conf
from ormwatch._kinds import Kind

KINDS = frozenset(k.value for k in Kind)

_RULE_KEYS = {"kind", "relation", "path", "fingerprint"}


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
        if key not in _conf.TABLE:
            close = [
                k for k in _conf.TABLE if k.replace("_", "") == str(key).upper().replace("_", "")
            ]
            hint = (
                f"Did you mean {close[0]}?"
                if close
                else f"Known keys: {', '.join(sorted(_conf.TABLE))}."
            )
            messages.append(
                Error(f"ORMWATCH has an unknown key {key!r}.", hint=hint, id="ormwatch.E001")
            )
    for key, setting in _conf.TABLE.items():
        if key in user and not setting.valid(user[key]):
            messages.append(
                Error(
                    f"ORMWATCH[{key!r}] is {user[key]!r}.",
                    hint=f"Write {setting.instead}.",
                    id="ormwatch.E002",
                )
            )
    rules = user.get("IGNORE")
    if isinstance(rules, (list, tuple)):
        for index, rule in enumerate(rules):
            messages.extend(_check_rule(index, rule))
    raising = user.get("RAISE")
    if _conf.str_list(raising):
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
