"""Helpers for the toolbar panel tests: settings, requests, the stored toolbar."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from debug_toolbar.toolbar import DebugToolbar
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.test import Client
from django.test.utils import override_settings

from tests.testapp.models import Blog, Category, Post

PANEL_ID = "OrmWatchPanel"
MEMORY_STORE = "debug_toolbar.store.MemoryStore"
DATABASE_STORE = "debug_toolbar.store.DatabaseStore"

PANELS = [
    "debug_toolbar.panels.history.HistoryPanel",
    "debug_toolbar.panels.timer.TimerPanel",
    "ormwatch.panels.OrmWatchPanel",
]


def show_toolbar(request: HttpRequest) -> bool:
    """Every request gets the toolbar: the tests run with ``DEBUG`` off."""
    return True


def toolbar_settings(
    *,
    store: str = MEMORY_STORE,
    panels: list[str] | None = None,
    ormwatch: dict[str, Any] | None = None,
    middleware: list[str] | None = None,
    **config: Any,
) -> override_settings:
    """Settings that put the toolbar and the ORM Watch panel on every request."""
    return override_settings(
        ROOT_URLCONF="tests.panel_urls",
        MIDDLEWARE=[*(middleware or []), "debug_toolbar.middleware.DebugToolbarMiddleware"],
        DEBUG_TOOLBAR_PANELS=panels or PANELS,
        DEBUG_TOOLBAR_CONFIG={
            "SHOW_TOOLBAR_CALLBACK": "tests.panel_support.show_toolbar",
            "IS_RUNNING_TESTS": False,
            "TOOLBAR_STORE_CLASS": store,
            "RENDER_PANELS": False,
            **config,
        },
        ORMWATCH={"ENABLED": True, **(ormwatch or {})},
    )


class Recorder:
    """Keeps the live toolbars the requests created, to compare with the stored copies."""

    def __init__(self) -> None:
        self.toolbars: list[DebugToolbar] = []

    def __enter__(self) -> Recorder:
        DebugToolbar._created.connect(self._created)
        return self

    def __exit__(self, *exc: object) -> None:
        DebugToolbar._created.disconnect(self._created)

    def _created(self, sender: Any, toolbar: DebugToolbar, **kwargs: Any) -> None:
        self.toolbars.append(toolbar)

    @property
    def panel(self) -> Any:
        """The last request's live ORM Watch panel."""
        return self.toolbars[-1].get_panel_by_id(PANEL_ID)


def request_id(response: HttpResponseBase) -> str:
    """The toolbar's id for a request (the history panel sends it as a header)."""
    return str(response.headers["djdt-request-id"])


def stored_panel(request_id: str) -> Any:
    """The panel as the toolbar rebuilds it from its store: a new object, no request."""
    toolbar = DebugToolbar.fetch(request_id, PANEL_ID)
    assert toolbar is not None, f"request {request_id} is not in the store"
    return toolbar.get_panel_by_id(PANEL_ID)


def render_panel(client: Client, request_id: str) -> dict[str, Any]:
    """The panel's content and scripts through the toolbar's ``render_panel`` view."""
    response = client.get(
        "/__debug__/render_panel/", {"request_id": request_id, "panel_id": PANEL_ID}
    )
    assert response.status_code == 200
    data: dict[str, Any] = response.json()
    return data


TITLES = [
    "Reading the query plan",
    "Indexes that pay for themselves",
    "select_related or prefetch_related?",
    "Counting without fetching",
    "Bulk writes in one go",
    "The cost of a lazy load",
]


def make_posts(count: int = 4) -> list[Post]:
    """``count`` posts, each in its own category, spread over two blogs."""
    blogs = [Blog.objects.create(name=name) for name in ("김영희의 블로그", "Notes on Django")]
    posts = []
    for i in range(count):
        category = Category.objects.create(name=f"category {i + 1}", blog=blogs[i % 2])
        posts.append(
            Post.objects.create(
                title=TITLES[i % len(TITLES)],
                writer="이예지",
                ip_address="127.0.0.1",
                category=category,
            )
        )
    return posts


# A policy without 'unsafe-inline' anywhere: the panel must work under it.
STRICT_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'"
)


class ContentSecurityPolicyMiddleware:
    """Sends ``STRICT_CSP`` on every response, as a project's own middleware would."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers["Content-Security-Policy"] = STRICT_CSP
        return response
