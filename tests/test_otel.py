"""Findings on the request's OpenTelemetry span, read back from the SDK's in-memory exporter."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.db import connection
from django.test import AsyncClient, Client

from ormwatch import _otel
from tests.conftest import close_thread_connections
from tests.otel_support import exporter
from tests.test_middleware import builder_line
from tests.testapp.models import Post

pytestmark = pytest.mark.django_db(transaction=True)

TRACED = ["tests.otel_support.SpanMiddleware", "ormwatch.middleware.OrmWatchMiddleware"]
TEMPLATE = Path(__file__).parent / "testapp" / "templates" / "testapp" / "post_list.html"


@pytest.fixture
def traced(settings: Any, blog_data: list[Post]) -> Any:
    settings.MIDDLEWARE = TRACED
    settings.ORMWATCH = {"ENABLED": True}
    exporter.clear()
    yield settings
    exporter.clear()


def expected_db_system() -> str:
    if connection.vendor == "mysql":
        return "mariadb" if connection.mysql_is_mariadb else "mysql"  # type: ignore[attr-defined]
    return connection.vendor  # postgresql, sqlite: the same words in the conventions


def ormwatch_attributes(attributes: Any) -> dict[str, Any]:
    return {k: v for k, v in attributes.items() if k.startswith("ormwatch.")}


def test_an_n_plus_one_page_adds_one_event_and_the_counts_to_the_request_span(
    traced: Any,
) -> None:
    assert Client().get("/posts/").status_code == 200
    (span,) = exporter.get_finished_spans()
    assert ormwatch_attributes(span.attributes) == {
        "ormwatch.queries": 9,
        "ormwatch.findings.n_plus_one": 1,
    }
    (event,) = span.events
    assert event.name == "ormwatch.finding"
    attributes = dict(event.attributes or {})
    wasted = attributes.pop("ormwatch.wasted_ms")
    assert isinstance(wasted, float)
    assert wasted > 0
    assert attributes.pop("ormwatch.message").startswith(  # type: ignore[union-attr]
        "N+1: 8 queries loading testapp.Post.category ("
    )
    assert attributes == {
        "ormwatch.kind": "n_plus_one",
        "ormwatch.severity": "warning",
        "ormwatch.query_count": 8,
        "ormwatch.saved_queries": 8,  # the join replaces all eight
        "ormwatch.relation": "testapp.Post.category",
        "db.system": expected_db_system(),
        "code.filepath": str(TEMPLATE),
        "code.lineno": 3,
        "code.function": "testapp/post_list.html",
        "ormwatch.fix": 'posts = Post.objects.select_related("category").order_by("pk")',
        "ormwatch.fix_at": f"{TEMPLATE.parent.parent.parent / 'views.py'}:{builder_line()} "
        "post_list",
    }


def test_a_clean_page_adds_nothing_to_the_span(traced: Any) -> None:
    assert Client().get("/posts-async/").status_code == 200
    (span,) = exporter.get_finished_spans()
    assert span.events == ()
    assert ormwatch_attributes(span.attributes) == {}


def test_an_async_page_annotates_the_span_of_its_own_request(traced: Any) -> None:
    async def get() -> int:
        response = await AsyncClient().get("/posts-async-n1/")
        await sync_to_async(close_thread_connections)()
        return response.status_code

    assert async_to_sync(get)() == 200
    (span,) = exporter.get_finished_spans()
    (event,) = span.events
    assert event.attributes is not None
    assert event.attributes["ormwatch.kind"] == "n_plus_one"
    assert event.attributes["code.filepath"] == str(TEMPLATE.parent.parent.parent / "views.py")
    assert span.attributes is not None
    assert span.attributes["ormwatch.findings.n_plus_one"] == 1


def test_an_unsampled_request_leaves_its_span_alone(traced: Any) -> None:
    traced.ORMWATCH = {"ENABLED": True, "SAMPLE_RATE": 0}
    Client().get("/posts/")
    (span,) = exporter.get_finished_spans()
    assert span.events == ()
    assert ormwatch_attributes(span.attributes) == {}


class Unanalysed:
    """A report that fails the test if its findings are asked for."""

    query_count = 9

    @property
    def findings(self) -> list[Any]:
        raise AssertionError("findings analysed without a recording span")


def test_without_a_recording_span_findings_are_not_even_analysed() -> None:
    _otel.annotate_current_span(Unanalysed())  # type: ignore[arg-type]


def test_without_opentelemetry_installed_nothing_happens(
    traced: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_otel, "INSTALLED", False)
    Client().get("/posts/")
    (span,) = exporter.get_finished_spans()
    assert span.events == ()


def test_a_tracing_error_is_logged_once_and_the_page_still_served(
    traced: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from ormwatch import _failsafe

    def broken(*args: object) -> None:
        raise RuntimeError("exporter down")

    monkeypatch.setattr(_otel, "annotate", broken)
    _failsafe.forget()
    with caplog.at_level(logging.ERROR, logger="ormwatch"):
        assert Client().get("/posts/").status_code == 200
        assert Client().get("/posts/").status_code == 200
    (error,) = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert "OpenTelemetry" in error.getMessage()
