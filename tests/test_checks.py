"""Each system check, triggered."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.checks import Error
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings

from ormwatch._checks import check_panel_needs_app, check_settings


def ids(messages: list[Any]) -> list[str]:
    return [m.id for m in messages]


def test_no_setting_and_good_settings_pass() -> None:
    assert check_settings() == []
    good = {
        "ENABLED": True,
        "RAISE": ["n_plus_one"],
        "IGNORE": [{"kind": "n_plus_one", "path": "*/legacy/*"}],
        "EDITOR_URL": "vscode://file/{path}:{line}",
        "SLOW_QUERY_MS": 250,
        "N_PLUS_ONE_THRESHOLD": 3,
        "SAMPLE_RATE": 0.1,
        "EXCLUDE_PATHS": ["/__debug__/", "/health/"],
    }
    with override_settings(ORMWATCH=good):
        assert check_settings() == []


def test_e001_unknown_key_suggests_the_close_one() -> None:
    with override_settings(ORMWATCH={"SLOWQUERY_MS": 10}):
        (message,) = check_settings()
    assert message.id == "ormwatch.E001"
    assert "'SLOWQUERY_MS'" in message.msg
    assert message.hint == "Did you mean SLOW_QUERY_MS?"


@pytest.mark.parametrize(
    ("key", "value", "hint"),
    [
        ("ENABLED", "yes", "True, False, or None"),
        ("N_PLUS_ONE_THRESHOLD", 0, "at least 1"),
        ("SLOW_QUERY_MS", "100", "milliseconds"),
        ("EDITOR_URL", "vscode://file/{path}", "{path} and {line}"),
        ("RAISE", "n_plus_one", "a list of kinds"),
        ("IGNORE", {"kind": "n_plus_one"}, "a list of rules"),
        ("MAX_QUERIES", True, "positive whole number"),
        ("SAMPLE_RATE", 1.5, "a number from 0 to 1"),
        ("SAMPLE_RATE", -0.1, "a number from 0 to 1"),
        ("SAMPLE_RATE", "0.1", "a number from 0 to 1"),
        ("SAMPLE_RATE", True, "a number from 0 to 1"),
        ("SAMPLE_RATE", float("nan"), "a number from 0 to 1"),
        ("EXCLUDE_PATHS", "/__debug__/", "a list of path prefixes starting with /"),
        ("EXCLUDE_PATHS", ["__debug__/"], "a list of path prefixes starting with /"),
        ("EXCLUDE_PATHS", [b"/__debug__/"], "a list of path prefixes starting with /"),
    ],
)
def test_e002_wrong_type_says_what_to_write(key: str, value: object, hint: str) -> None:
    with override_settings(ORMWATCH={key: value}):
        messages = check_settings()
    assert ids(messages) == ["ormwatch.E002"]
    assert hint in messages[0].hint


def test_e002_the_setting_itself_must_be_a_dict() -> None:
    with override_settings(ORMWATCH=["ENABLED"]):
        assert ids(check_settings()) == ["ormwatch.E002"]


@pytest.mark.parametrize(
    ("rule", "says"),
    [
        ("n_plus_one", "not a rule"),
        ({}, "not a rule"),
        ({"kinds": "n_plus_one"}, "unknown key 'kinds'"),
        ({"kind": "n+1"}, "unknown kind 'n+1'"),
        ({"path": 3}, "must be a string"),
    ],
)
def test_e003_bad_ignore_rules(rule: object, says: str) -> None:
    with override_settings(ORMWATCH={"IGNORE": [rule]}):
        messages = check_settings()
    assert ids(messages) == ["ormwatch.E003"]
    assert says in messages[0].msg


def test_e004_unknown_kind_in_raise() -> None:
    with override_settings(ORMWATCH={"RAISE": ["n_plus_one", "nplusone"]}):
        (message,) = check_settings()
    assert message.id == "ormwatch.E004"
    assert "'nplusone'" in message.msg


@pytest.mark.django_db(databases="__all__")  # Django 6.1 checks every database too
def test_the_checks_are_registered_with_django() -> None:
    with (
        override_settings(ORMWATCH={"NOPE": 1}),
        pytest.raises(SystemCheckError, match=r"ormwatch\.E001"),
    ):
        call_command("check")


def test_w001_panel_without_the_app() -> None:
    assert check_panel_needs_app() == []
    apps = ["django.contrib.contenttypes", "django.contrib.auth", "tests.testapp"]
    with override_settings(INSTALLED_APPS=apps):
        (message,) = check_panel_needs_app()
    assert message.id == "ormwatch.W001"
    assert not isinstance(message, Error)


def test_w001_is_registered_by_the_panel_module() -> None:
    from django.core.checks.registry import registry

    import ormwatch.panels  # noqa: F401 - registers W001

    assert check_panel_needs_app in registry.get_checks()
