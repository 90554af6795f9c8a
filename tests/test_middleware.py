"""The middleware: a request's findings in the log, raise mode and warnings."""

from __future__ import annotations

import inspect
import logging

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.test import AsyncClient, Client

import ormwatch
from ormwatch import _conf, middleware
from tests.conftest import close_thread_connections
from tests.testapp import views
from tests.testapp.models import Post

pytestmark = pytest.mark.django_db(transaction=True)

MIDDLEWARE = ["ormwatch.middleware.OrmWatchMiddleware"]


def builder_line() -> int:
    """Where post_list builds its queryset: the line a fix must name."""
    lines, start = inspect.getsourcelines(views.post_list)
    return start + next(i for i, text in enumerate(lines) if "Post.objects" in text)


@pytest.fixture
def enabled(settings: object, blog_data: list[Post]) -> object:
    settings.MIDDLEWARE = MIDDLEWARE  # type: ignore[attr-defined]
    settings.ORMWATCH = {"ENABLED": True}  # type: ignore[attr-defined]
    return settings


def ormwatch_settings(sample_rate: float) -> _conf.Settings:
    """The current settings with recording on at ``sample_rate``."""
    from dataclasses import replace

    return replace(_conf.get(), enabled=True, sample_rate=sample_rate)


def ormwatch_records(caplog: pytest.LogCaptureFixture, level: int) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "ormwatch" and r.levelno == level]


def test_a_wsgi_n_plus_one_page_logs_one_line_per_finding_and_a_summary(
    enabled: object, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="ormwatch"):
        assert Client().get("/posts/").status_code == 200
    (warning,) = ormwatch_records(caplog, logging.WARNING)
    message = warning.getMessage()
    assert message.startswith("N+1: 8 queries loading testapp.Post.category (")
    assert "ms), one per Post at tests/testapp/templates/testapp/post_list.html:3 " in message
    assert message.endswith(
        f"; fix at tests/testapp/views.py:{builder_line()} post_list: "
        'posts = Post.objects.select_related("category").order_by("pk")'
    )
    data = warning.ormwatch  # type: ignore[attr-defined]
    assert data["request"] == "GET /posts/"
    assert data["kind"] == "n_plus_one"
    assert data["query_count"] == 8
    assert data["call_site"]["line"] == 3
    assert data["origin"]["function"] == "post_list"
    (summary,) = ormwatch_records(caplog, logging.INFO)
    assert summary.getMessage().startswith("GET /posts/: 9 queries, ")
    assert summary.getMessage().endswith(" ms SQL, 1 n_plus_one")
    assert summary.ormwatch["findings"] == {"n_plus_one": 1}  # type: ignore[attr-defined]


def test_an_asgi_n_plus_one_page_logs_the_same_way(
    enabled: object, caplog: pytest.LogCaptureFixture
) -> None:
    async def get() -> int:
        response = await AsyncClient().get("/posts-async-n1/")
        await sync_to_async(close_thread_connections)()
        return response.status_code

    with caplog.at_level(logging.INFO, logger="ormwatch"):
        assert async_to_sync(get)() == 200
    (warning,) = ormwatch_records(caplog, logging.WARNING)
    message = warning.getMessage()
    assert message.startswith("N+1: 8 queries loading testapp.Post.category (")
    assert " at tests/testapp/views.py:" in message
    # The loop is in a helper inside the view: post_list_async_n_plus_one.<locals>.names
    # (Python 3.10, without qualified names: names.<listcomp>).
    assert "names" in warning.ormwatch["call_site"]["function"]  # type: ignore[attr-defined]
    assert warning.ormwatch["request"] == "GET /posts-async-n1/"  # type: ignore[attr-defined]
    (summary,) = ormwatch_records(caplog, logging.INFO)
    assert summary.getMessage().startswith("GET /posts-async-n1/: 9 queries")


def test_a_clean_page_logs_only_the_summary(
    enabled: object, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="ormwatch"):
        assert Client().get("/posts-async/").status_code == 200
    assert ormwatch_records(caplog, logging.WARNING) == []
    (summary,) = ormwatch_records(caplog, logging.INFO)
    assert summary.getMessage().endswith(" ms SQL, no findings")


@pytest.mark.parametrize(
    ("orm_settings", "debug"),
    [({"ENABLED": False}, True), ({}, False), ({"ENABLED": None}, False)],
)
def test_recording_is_off_unless_enabled_or_debug(
    settings: object,
    blog_data: list[Post],
    caplog: pytest.LogCaptureFixture,
    orm_settings: dict[str, object],
    debug: bool,
) -> None:
    settings.MIDDLEWARE = MIDDLEWARE  # type: ignore[attr-defined]
    settings.ORMWATCH = orm_settings  # type: ignore[attr-defined]
    settings.DEBUG = debug  # type: ignore[attr-defined]
    with caplog.at_level(logging.INFO, logger="ormwatch"):
        assert Client().get("/posts/").status_code == 200
    assert [r for r in caplog.records if r.name == "ormwatch"] == []


def test_debug_turns_recording_on_when_enabled_is_left_unset(
    settings: object, blog_data: list[Post], caplog: pytest.LogCaptureFixture
) -> None:
    settings.MIDDLEWARE = MIDDLEWARE  # type: ignore[attr-defined]
    settings.DEBUG = True  # type: ignore[attr-defined]
    with caplog.at_level(logging.INFO, logger="ormwatch"):
        Client().get("/posts/")
    assert len(ormwatch_records(caplog, logging.WARNING)) == 1


def test_raise_mode_fails_the_request_with_the_findings(enabled: object) -> None:
    enabled.ORMWATCH = {"ENABLED": True, "RAISE": True}  # type: ignore[attr-defined]
    with pytest.raises(ormwatch.OrmWatchError) as raised:
        Client().get("/posts/")
    (finding,) = raised.value.findings
    assert finding.kind == "n_plus_one"
    assert f"fix at  tests/testapp/views.py:{builder_line()} post_list" in str(raised.value)


def test_raise_mode_limited_to_other_kinds_lets_the_request_through(enabled: object) -> None:
    enabled.ORMWATCH = {"ENABLED": True, "RAISE": ["duplicate_query"]}  # type: ignore[attr-defined]
    assert Client().get("/posts/").status_code == 200


def test_findings_can_travel_as_warnings(enabled: object) -> None:
    enabled.ORMWATCH = {"ENABLED": True, "WARNINGS": True}  # type: ignore[attr-defined]
    with pytest.warns(
        ormwatch.OrmWatchWarning, match=r"^N\+1: 8 queries loading testapp.Post.category"
    ):
        Client().get("/posts/")


def test_sample_rate_zero_records_nothing_and_opens_no_recording(
    enabled: object, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    enabled.ORMWATCH = {"ENABLED": True, "SAMPLE_RATE": 0}  # type: ignore[attr-defined]

    def no_scope() -> None:
        raise AssertionError("an unsampled request opened a recording")

    monkeypatch.setattr(middleware, "request_scope", no_scope)
    with caplog.at_level(logging.INFO, logger="ormwatch"):
        assert Client().get("/posts/").status_code == 200
    assert [r for r in caplog.records if r.name == "ormwatch"] == []


def test_sample_rate_one_records_every_request_without_a_draw(
    enabled: object, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    enabled.ORMWATCH = {"ENABLED": True, "SAMPLE_RATE": 1}  # type: ignore[attr-defined]

    def no_draw() -> float:
        raise AssertionError("SAMPLE_RATE 1 drew a random number")

    monkeypatch.setattr(middleware, "_draw", no_draw)
    with caplog.at_level(logging.INFO, logger="ormwatch"):
        for _ in range(3):
            Client().get("/posts/")
    assert len(ormwatch_records(caplog, logging.WARNING)) == 3


def test_a_fractional_sample_rate_records_the_requests_whose_draw_falls_below_it(
    enabled: object, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    enabled.ORMWATCH = {"ENABLED": True, "SAMPLE_RATE": 0.25}  # type: ignore[attr-defined]
    draws = iter([0.1, 0.25, 0.9, 0.2499])
    monkeypatch.setattr(middleware, "_draw", lambda: next(draws))
    with caplog.at_level(logging.INFO, logger="ormwatch"):
        for _ in range(4):
            Client().get("/posts/")
    summaries = ormwatch_records(caplog, logging.INFO)
    assert len(summaries) == 2  # 0.1 and 0.2499; 0.25 itself is not below the rate


def test_the_real_draw_samples_about_the_rate() -> None:
    # The middleware's own draw, seeded: 1000 sampling decisions at 0.1 land
    # near 100 (a rate mistaken for its complement would give about 900).
    import random

    state = random.getstate()
    try:
        random.seed(10)
        settings = ormwatch_settings(0.1)
        picked = sum(middleware._sampled(settings) for _ in range(1000))
    finally:
        random.setstate(state)
    assert 70 <= picked <= 130
