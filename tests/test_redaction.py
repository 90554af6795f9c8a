"""Secret parameters never reach a report, and duplicates are still found."""

from __future__ import annotations

import json
import logging

import pytest
from django.contrib.auth.models import User
from django.test import Client
from markupsafe import escape

import ormwatch
from ormwatch._record._redact import HIDDEN
from tests.conftest import redact
from tests.panel_support import (
    make_posts,
    render_panel,
    request_id,
    stored_panel,
    toolbar_settings,
)
from tests.testapp.models import Blog, Category, Post

pytestmark = pytest.mark.django_db

COLUMNS = ("password", "token", "secret", "key")


# Built at run time: the call sites' source lines are in the report too.
PASSWORD = "".join(["hun", "ter", "2"])
NAME = "".join(["k", "im", "-user"])
SECRET = "".join(["비", "밀"])


def test_statements_on_auth_tables_hide_every_parameter() -> None:
    with ormwatch.watch() as report:
        user = User.objects.create_user(NAME, password=PASSWORD)
        User.objects.filter(username=NAME).exists()
    text = json.dumps(report.to_dict(), ensure_ascii=False)
    assert PASSWORD not in text
    assert user.password not in text  # the hash either
    assert NAME not in text
    for query in report.queries:
        if query.params:
            assert set(query.params) == {HIDDEN}, query.sql


def test_a_secret_column_is_hidden_and_the_others_stay(settings: object) -> None:
    settings.ORMWATCH = {"SECRET_COLUMNS": ["writer"]}  # type: ignore[attr-defined]
    category = Category.objects.create(name="c", blog=Blog.objects.create(name="b"))
    with ormwatch.watch() as report:
        Post.objects.create(title="공개", writer=SECRET, ip_address="::1", category=category)
        list(Post.objects.filter(title="공개", writer=SECRET))
        Post.objects.filter(title="공개").update(writer=SECRET + "!")
    insert, select, update = (q for q in report.queries if not q.is_transaction)
    assert SECRET not in json.dumps(report.to_dict(), ensure_ascii=False)
    assert "공개" in insert.params
    assert HIDDEN in insert.params
    assert select.params[0] == "공개"
    assert select.params[1] == HIDDEN
    assert update.params[0] == HIDDEN
    assert "공개" in update.params


def test_parameters_can_be_turned_off(settings: object) -> None:
    settings.ORMWATCH = {"RECORD_PARAMS": False}  # type: ignore[attr-defined]
    with ormwatch.watch() as report:
        list(Blog.objects.filter(name="x"))
    assert report.queries[0].params is None


@pytest.mark.parametrize("orm_settings", [{}, {"RECORD_PARAMS": False}])
def test_duplicates_compare_the_real_parameters(
    settings: object, orm_settings: dict[str, object]
) -> None:
    settings.ORMWATCH = orm_settings  # type: ignore[attr-defined]
    first = User.objects.create_user("a")
    second = User.objects.create_user("b")
    # (from one line: test code re-reading a row on another line is no duplicate)
    with ormwatch.watch() as different:
        for pk in (first.pk, second.pk):
            list(User.objects.filter(pk=pk))
    assert different.findings == []
    with ormwatch.watch() as same:
        for pk in (first.pk, first.pk):
            list(User.objects.filter(pk=pk))
    assert [f.kind for f in same.findings] == ["duplicate_query"]


@pytest.mark.parametrize(
    ("sql", "params", "many", "expected"),
    [
        ('SELECT * FROM "t" WHERE "t"."name" = %s', ["x"], False, ["x"]),
        (
            'SELECT * FROM "t" WHERE "t"."api_token" = %s AND "t"."id" = %s',
            ["s", 1],
            False,
            [HIDDEN, 1],
        ),
        (
            "UPDATE `t` SET `password` = %s, `name` = %s WHERE `t`.`id` = %s",
            ["p", "n", 1],
            False,
            [HIDDEN, "n", 1],
        ),
        (
            'INSERT INTO "t" ("name", "secret_key") VALUES (%s, %s), (%s, %s)',
            ["a", "s1", "b", "s2"],
            False,
            ["a", HIDDEN, "b", HIDDEN],
        ),
        (
            'INSERT INTO "t" ("name", "token") VALUES (%s, %s)',
            [["a", "s1"], ["b", "s2"]],
            True,
            [["a", HIDDEN], ["b", HIDDEN]],
        ),
        ('SELECT * FROM "t" WHERE "t"."token" IN (%s, %s)', ["a", "b"], False, [HIDDEN, HIDDEN]),
        (
            'SELECT * FROM "t" WHERE "t"."token" = %(token)s',
            {"token": "s"},
            False,
            {"token": HIDDEN},
        ),
        # A secret named but the mapping unclear: everything goes.
        ('INSERT INTO "t" ("token") SELECT %s, %s', ["a", "b"], False, [HIDDEN, HIDDEN]),
    ],
)
def test_redact_maps_placeholders_to_columns(
    sql: str, params: object, many: bool, expected: object
) -> None:
    assert redact(sql, params, many, COLUMNS, ("auth_user",)) == expected


@pytest.mark.parametrize(
    ("orm_settings", "hidden_shown"),
    [
        # The filter's column named secret, the auth table's always: both ***.
        ({"SECRET_COLUMNS": ["title"]}, True),
        # No parameters at all: nothing to hide, nothing shown.
        ({"RECORD_PARAMS": False}, False),
    ],
)
def test_the_panel_and_the_log_never_show_a_secret(
    client: Client,
    caplog: pytest.LogCaptureFixture,
    orm_settings: dict[str, object],
    hidden_shown: bool,
) -> None:
    make_posts(2)
    with (
        toolbar_settings(
            ormwatch=orm_settings, middleware=["ormwatch.middleware.OrmWatchMiddleware"]
        ),
        caplog.at_level(logging.INFO, logger="ormwatch"),
    ):
        response = client.get("/panel/hostile/", {"value": PASSWORD})
        stats = stored_panel(request_id(response)).get_stats()
        content = render_panel(client, request_id(response))["content"]
    assert response.status_code == 200
    assert PASSWORD not in content
    assert PASSWORD not in json.dumps(stats, ensure_ascii=False)
    assert (escape(json.dumps([HIDDEN])) in content) is hidden_shown
    records = [r for r in caplog.records if r.name == "ormwatch"]
    assert any(r.levelno == logging.WARNING for r in records)  # the duplicates were logged
    for record in records:
        assert PASSWORD not in record.getMessage()
        assert PASSWORD not in json.dumps(getattr(record, "ormwatch", None), default=str)
