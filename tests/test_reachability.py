"""ormwatch shows itself only where the toolbar is shown, and records only when enabled.

It adds no view or URL of its own: the panel's content is served by the
toolbar's ``render_panel`` view, which asks ``SHOW_TOOLBAR_CALLBACK`` first.
With ``ENABLED`` off (the default outside ``DEBUG``) the middleware opens no
recording at all.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from typing import Any

import pytest
from debug_toolbar.middleware import show_toolbar_func_or_path
from debug_toolbar.toolbar import DebugToolbar
from django.http import HttpRequest
from django.test import Client
from django.test.utils import override_settings
from django.urls import URLPattern, URLResolver, get_resolver

from ormwatch.panels import OrmWatchPanel
from tests.panel_support import PANEL_ID, make_posts, request_id, toolbar_settings

MIDDLEWARE = "ormwatch.middleware.OrmWatchMiddleware"


def hide_toolbar(request: HttpRequest) -> bool:
    return False


def views(patterns: list[Any]) -> Iterator[Any]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from views(pattern.url_patterns)
        elif isinstance(pattern, URLPattern):
            yield pattern.callback


@pytest.fixture
def fresh_callback() -> Iterator[None]:
    """The toolbar caches the callback it imported: forget it around a test that changes it."""
    show_toolbar_func_or_path.cache_clear()
    yield
    show_toolbar_func_or_path.cache_clear()


@pytest.mark.django_db
@pytest.mark.usefixtures("fresh_callback")
def test_the_panel_is_not_reachable_where_the_toolbar_is_not_shown(client: Client) -> None:
    make_posts(4)
    with toolbar_settings():
        shown = client.get("/panel/n-plus-one/")
        rid = request_id(shown)
        assert PANEL_ID in shown.content.decode()
        params = {"request_id": rid, "panel_id": PANEL_ID}
        assert client.get("/__debug__/render_panel/", params).status_code == 200
    with toolbar_settings(SHOW_TOOLBAR_CALLBACK="tests.test_reachability.hide_toolbar"):
        show_toolbar_func_or_path.cache_clear()
        hidden = client.get("/panel/n-plus-one/")
        refused = client.get("/__debug__/render_panel/", params)
    assert hidden.status_code == 200
    assert PANEL_ID not in hidden.content.decode()
    assert "ormwatch" not in hidden.content.decode()
    # The stored request is still there, but the toolbar's view refuses it.
    assert refused.status_code == 404
    assert "ormwatch" not in refused.content.decode()


def test_ormwatch_adds_no_url_of_its_own() -> None:
    assert OrmWatchPanel.get_urls() == []  # type: ignore[no-untyped-call]
    assert importlib.util.find_spec("ormwatch.urls") is None
    with toolbar_settings():
        toolbar_views = list(views(DebugToolbar.get_urls()))
        project_views = list(views(get_resolver().url_patterns))
    assert toolbar_views  # the walk sees the toolbar's own views
    for view in [*toolbar_views, *project_views]:
        assert not getattr(view, "__module__", "").startswith("ormwatch"), view


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("orm_settings", "debug", "recorded"),
    [
        ({"ENABLED": True}, False, True),
        ({"ENABLED": False}, True, False),
        ({}, False, False),  # the default outside DEBUG
    ],
)
def test_the_middleware_records_nothing_unless_enabled(
    orm_settings: dict[str, object], debug: bool, recorded: bool
) -> None:
    with override_settings(MIDDLEWARE=[MIDDLEWARE], ORMWATCH=orm_settings, DEBUG=debug):
        state = Client().get("/recording-state/").json()
    assert state == {"recordings": int(recorded), "report": recorded}


@pytest.mark.django_db
def test_the_panel_records_nothing_when_disabled(client: Client) -> None:
    with (
        toolbar_settings(middleware=[MIDDLEWARE]),
        override_settings(ORMWATCH={"ENABLED": False}),
    ):
        state = client.get("/recording-state/").json()
    assert state == {"recordings": 0, "report": False}
