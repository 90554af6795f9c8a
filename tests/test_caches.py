"""What the recorder caches for speed never outlives the settings or code it came from."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings

import ormwatch
from ormwatch import _conf
from ormwatch._record._redact import HIDDEN
from tests.testapp.models import Blog, Category, Post

pytestmark = pytest.mark.django_db


def _writer_params(report: ormwatch.Report) -> list[object]:
    (query,) = [q for q in report.queries if not q.is_transaction]
    return list(query.params)


def test_redaction_follows_new_settings_for_a_statement_seen_before() -> None:
    # The redaction plan is cached per statement text: a new SECRET_COLUMNS
    # must still hide the same text's parameters.
    with ormwatch.watch() as before:
        list(Post.objects.filter(writer="김철수"))
    with override_settings(ORMWATCH={"SECRET_COLUMNS": ["writer"]}), ormwatch.watch() as hidden:
        list(Post.objects.filter(writer="김철수"))
    with ormwatch.watch() as after:
        list(Post.objects.filter(writer="김철수"))
    assert _writer_params(before) == ["김철수"]
    assert _writer_params(hidden) == [HIDDEN]
    assert _writer_params(after) == ["김철수"]


def test_settings_are_rebuilt_when_the_setting_is_replaced(settings: object) -> None:
    first = _conf.get()
    assert _conf.get() is first  # cached between changes
    settings.ORMWATCH = {"STACK_DEPTH": 3}  # type: ignore[attr-defined]
    assert _conf.get().stack_depth == 3
    settings.DEBUG = False  # type: ignore[attr-defined]
    assert _conf.get().enabled is False  # ENABLED=None follows DEBUG


def test_the_same_line_at_two_offsets_is_one_call_site() -> None:
    # Sites are cached per instruction offset and interned per line: both
    # queries below come from one line, at two offsets.
    blog = Blog.objects.create(name="b")
    with ormwatch.watch() as report:
        Blog.objects.filter(pk=blog.pk).exists(), Blog.objects.filter(name="b").exists()
    first, second = report.queries
    assert first.call_site is second.call_site
    assert first.call_site is not None
    assert first.call_site.function == "test_the_same_line_at_two_offsets_is_one_call_site"


def test_a_request_stack_ends_at_the_view() -> None:
    # Frames beyond Django's handler (middleware, the server, this test) are
    # not walked once the view's line is found.
    category = Category.objects.create(name="c", blog=Blog.objects.create(name="b"))
    Post.objects.create(title="t", writer="w", ip_address="::1", category=category)
    with ormwatch.watch() as report:
        Client().get("/posts/")
    functions = {site.function for q in report.queries for site in q.stack}
    assert functions, "the view's queries have call sites"
    assert "test_a_request_stack_ends_at_the_view" not in functions
