"""``EXCLUDE_PATHS``: the middleware neither records nor logs django-debug-toolbar's own views.

Every click in the toolbar (a panel's content, the history sidebar) is a
request to the toolbar's URLs; each logged a "0 queries, no findings" line.
These tests drive the real toolbar with the middleware in front of it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from types import ModuleType

import pytest
from debug_toolbar import APP_NAME
from django.test import Client, override_settings
from django.urls import include, path

from ormwatch import _excluded
from tests import panel_urls
from tests.panel_support import PANEL_ID, make_posts, render_panel, request_id, toolbar_settings

MIDDLEWARE = ["ormwatch.middleware.OrmWatchMiddleware"]


def logged_requests(caplog: pytest.LogCaptureFixture) -> list[str]:
    """The request of every ``ormwatch`` record, in order."""
    return [r.ormwatch["request"] for r in caplog.records if r.name == "ormwatch"]  # type: ignore[attr-defined]


@pytest.fixture
def posts(db: None) -> None:
    make_posts(4)


@pytest.fixture
def logged(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    with caplog.at_level(logging.INFO, logger="ormwatch"):
        yield caplog


@pytest.mark.usefixtures("posts")
def test_the_toolbars_own_requests_are_not_logged(logged: pytest.LogCaptureFixture) -> None:
    client = Client()
    with toolbar_settings(middleware=MIDDLEWARE):
        response = client.get("/panel/n-plus-one/")
        content = render_panel(client, request_id(response))["content"]
        history = client.get("/__debug__/history_sidebar/", {"request_id": request_id(response)})
    assert "N+1" in content  # the panel still recorded the page
    assert history.status_code == 200
    requests = logged_requests(logged)
    assert requests == ["GET /panel/n-plus-one/"] * len(requests)
    assert len(requests) == 2  # the N+1 and the page's summary


def toolbar_at(prefix: str) -> ModuleType:
    """The panel tests' URLconf with the toolbar mounted at ``prefix`` instead."""
    urls = ModuleType(f"toolbar_at_{prefix.strip('_/')}")
    pages = [p for p in panel_urls.urlpatterns if "__debug__" not in str(p.pattern)]
    urls.urlpatterns = [*pages, path(prefix, include((panel_urls.toolbar_urls, APP_NAME)))]  # type: ignore[attr-defined]
    return urls


@pytest.mark.usefixtures("posts")
def test_the_toolbars_prefix_is_read_from_the_urlconf(logged: pytest.LogCaptureFixture) -> None:
    client = Client()
    with (
        toolbar_settings(middleware=MIDDLEWARE),
        override_settings(ROOT_URLCONF=toolbar_at("tools/djdt/")),
    ):
        assert _excluded.toolbar_paths() == ("/tools/djdt/",)
        response = client.get("/panel/n-plus-one/")
        panel = client.get(
            "/tools/djdt/render_panel/", {"request_id": request_id(response), "panel_id": PANEL_ID}
        )
    assert panel.status_code == 200
    assert "N+1" in panel.json()["content"]
    assert set(logged_requests(logged)) == {"GET /panel/n-plus-one/"}


def test_without_the_toolbar_in_the_urlconf_the_default_prefix_stands() -> None:
    with override_settings(ROOT_URLCONF="tests.urls"):
        assert _excluded.toolbar_paths() == ("/__debug__/",)


@pytest.mark.usefixtures("posts")
def test_an_empty_list_records_every_request(logged: pytest.LogCaptureFixture) -> None:
    client = Client()
    with toolbar_settings(middleware=MIDDLEWARE, ormwatch={"EXCLUDE_PATHS": []}):
        render_panel(client, request_id(client.get("/panel/clean/")))
    assert logged_requests(logged) == ["GET /panel/clean/", "GET /__debug__/render_panel/"]


@pytest.mark.usefixtures("posts")
def test_listed_prefixes_replace_the_default(logged: pytest.LogCaptureFixture) -> None:
    client = Client()
    with toolbar_settings(middleware=MIDDLEWARE, ormwatch={"EXCLUDE_PATHS": ["/panel/"]}):
        response = client.get("/panel/n-plus-one/")
        render_panel(client, request_id(response))
        client.get("/recording-state/")
    assert logged_requests(logged) == ["GET /__debug__/render_panel/", "GET /recording-state/"]
