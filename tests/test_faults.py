"""Faults: a failing statement stays the user's, a failing ormwatch stays ormwatch's.

A statement that raises reaches the caller as the same exception and leaves
the transaction as it would without ormwatch, and the request's findings are
still produced. An error inside ormwatch (a detector, the panel's template,
stats the toolbar's store cannot serialise) is logged once and never reaches
the request.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.db import DatabaseError, IntegrityError, OperationalError, connection, transaction
from django.templatetags.static import static
from django.test import Client

import ormwatch
from ormwatch import _failsafe
from ormwatch._analyse import _registry
from ormwatch._analyse._analysis import Analysis
from ormwatch.panels import _render, _stats
from tests.conftest import close_thread_connections
from tests.panel_support import make_posts, render_panel, request_id, toolbar_settings
from tests.testapp.models import Blog, Post


@pytest.fixture(autouse=True)
def fresh_failsafe() -> Iterator[None]:
    """Each test sees its own "logged once"."""
    _failsafe.forget()
    yield
    _failsafe.forget()


def n_plus_one() -> None:
    for post in Post.objects.order_by("pk"):
        post.category.name  # noqa: B018


def outcome(action: Callable[[], None]) -> tuple[type[BaseException] | None, str]:
    """The exception ``action`` raised (class and text), or ``None``."""
    try:
        action()
    except Exception as exc:
        return type(exc), str(exc)
    return None, ""


def both_ways(action: Callable[[], Any]) -> tuple[Any, Any, ormwatch.Report]:
    """``action()`` without ormwatch, then inside ``watch()`` after an N+1."""
    plain = action()
    with ormwatch.watch() as report:
        n_plus_one()
        watched = action()
    return plain, watched, report


def assert_still_analysed(report: ormwatch.Report, error: type[BaseException]) -> None:
    assert "n_plus_one" in [f.kind for f in report.findings]
    failed = [q for q in report.queries if q.error]
    assert failed
    assert failed[-1].error == f"{error.__module__}.{error.__qualname__}"


@pytest.mark.django_db
def test_a_syntax_error_keeps_its_class_and_the_findings_are_produced() -> None:
    make_posts(3)

    def bad_sql() -> tuple[Any, ...]:
        def run() -> None:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SELEC 1 FROM nowhere")

        # The atomic block rolls back to its savepoint; the connection goes on.
        return outcome(run), Blog.objects.count()

    plain, watched, report = both_ways(bad_sql)
    assert plain == watched
    assert plain[0][0] is not None
    assert issubclass(plain[0][0], DatabaseError)
    assert_still_analysed(report, plain[0][0])


@pytest.mark.django_db
def test_an_integrity_error_rolls_back_as_without_ormwatch() -> None:
    make_posts(3)
    blog = Blog.objects.first()

    def duplicate() -> tuple[Any, ...]:
        def insert() -> None:
            with transaction.atomic():
                Blog.objects.create(name="kept for a moment")
                Blog.objects.create(pk=blog.pk, name="the same primary key")

        result = outcome(insert)
        return result, Blog.objects.filter(name="kept for a moment").exists(), blog.name

    plain, watched, report = both_ways(duplicate)
    assert plain == watched
    assert plain[0][0] is IntegrityError
    assert plain[1] is False  # rolled back
    assert_still_analysed(report, IntegrityError)


postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL only: lock_timeout and pg_terminate_backend are PostgreSQL's",
)


def in_another_connection(action: Callable[[], Any]) -> Any:
    """``action()`` in a thread of its own, so on a database connection of its own."""

    def run() -> Any:
        try:
            return action()
        finally:
            close_thread_connections()

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(run).result(timeout=30)


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_lock_timeout_keeps_its_class_and_the_connection_goes_on() -> None:
    make_posts(3)
    blog = Blog.objects.order_by("pk").first()
    assert blog is not None
    locked, release = threading.Event(), threading.Event()

    def hold_the_row() -> None:
        with transaction.atomic():
            list(Blog.objects.select_for_update().filter(pk=blog.pk))
            locked.set()
            release.wait(30)

    def wait_for_the_row() -> tuple[Any, ...]:
        def lock() -> None:
            with transaction.atomic():
                connection.cursor().execute("SET LOCAL lock_timeout = '50ms'")
                list(Blog.objects.select_for_update().filter(pk=blog.pk))

        return outcome(lock), Blog.objects.count()

    with ThreadPoolExecutor(1) as pool:
        holder = pool.submit(in_another_connection, hold_the_row)
        assert locked.wait(10)
        try:
            plain, watched, report = both_ways(wait_for_the_row)
        finally:
            release.set()
            holder.result(timeout=30)
    assert plain == watched
    assert plain[0][0] is OperationalError
    assert "lock timeout" in plain[0][1]
    assert_still_analysed(report, OperationalError)


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_connection_killed_mid_request_fails_as_without_ormwatch() -> None:
    make_posts(3)

    def killed() -> tuple[Any, ...]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            (pid,) = cursor.fetchone()

        def kill() -> None:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_terminate_backend(%s)", [pid])

        in_another_connection(kill)
        error, _ = outcome(lambda: Blog.objects.count())
        # What Django does at the end of the request: drop the broken
        # connection; the next statement opens a new one.
        connection.close_if_unusable_or_obsolete()
        return error, Blog.objects.count()

    plain, watched, report = both_ways(killed)
    assert plain == watched
    assert plain[0] is not None
    assert issubclass(plain[0], DatabaseError)
    assert_still_analysed(report, plain[0])


def ormwatch_errors(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "ormwatch" and r.levelno >= logging.ERROR]


@pytest.mark.django_db
def test_a_detector_that_raises_is_logged_once_and_the_others_still_report(
    settings: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(analysis: Analysis) -> list[ormwatch.Finding]:
        raise RuntimeError("detector bug")

    broken.__module__ = "ormwatch._analyse.broken"
    kinds = _registry.all_kinds()
    spec = dataclasses.replace(kinds[0], detect=broken)
    monkeypatch.setattr(_registry, "_specs", [spec, *kinds])
    make_posts(4)
    settings.MIDDLEWARE = ["ormwatch.middleware.OrmWatchMiddleware"]
    settings.ORMWATCH = {"ENABLED": True}
    settings.ROOT_URLCONF = "tests.urls"
    client = Client()
    with caplog.at_level(logging.INFO, logger="ormwatch"):
        for _ in range(2):
            assert client.get("/posts/").status_code == 200
    (error,) = ormwatch_errors(caplog)
    assert "detector ormwatch._analyse.broken" in error.getMessage()
    assert error.exc_info is not None
    assert str(error.exc_info[1]) == "detector bug"
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert [r.ormwatch["kind"] for r in warnings] == ["n_plus_one"] * 2  # type: ignore[attr-defined]


@pytest.mark.django_db
def test_a_panel_template_that_fails_is_logged_once_and_the_page_is_served(
    client: Client, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    make_posts(4)
    monkeypatch.setattr(_render, "_environment", None)
    monkeypatch.setattr(_render, "TEMPLATE", "ormwatch/no-such-template.html")
    with toolbar_settings(), caplog.at_level(logging.INFO, logger="ormwatch"):
        page = client.get("/panel/n-plus-one/")
        assert page.status_code == 200
        assert b"</html>" in page.content
        contents = [render_panel(client, request_id(page))["content"] for _ in range(2)]
    monkeypatch.setattr(_render, "_environment", None)  # not the broken one for later tests
    assert contents[0] == contents[1]
    assert contents[0].startswith("<p>ormwatch could not show this request: FileNotFoundError(")
    (error,) = ormwatch_errors(caplog)
    assert "rendering the toolbar panel" in error.getMessage()


@pytest.mark.django_db
def test_stats_the_store_cannot_serialise_are_logged_once_and_the_page_is_served(
    client: Client, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    build = _stats.build

    def unserialisable(report: ormwatch.Report, max_queries: int) -> dict[str, Any]:
        # The toolbar's encoder turns unknown objects into text; a cycle it cannot.
        loop: dict[str, Any] = {}
        loop["self"] = loop
        return {**build(report, max_queries), "broken": loop}

    monkeypatch.setattr(_stats, "build", unserialisable)
    make_posts(4)
    with toolbar_settings(), caplog.at_level(logging.INFO, logger="ormwatch"):
        pages = [client.get("/panel/n-plus-one/") for _ in range(2)]
        assert [p.status_code for p in pages] == [200, 200]
        content = render_panel(client, request_id(pages[-1]))["content"]
    (error,) = ormwatch_errors(caplog)
    assert "storing the toolbar panel's stats" in error.getMessage()
    # The panel still opens, empty rather than broken.
    assert content == _render.render(_stats.empty(), None, static("ormwatch/panel.css"))
