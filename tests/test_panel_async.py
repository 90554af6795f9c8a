"""The panel under ASGI: an async view, the toolbar's middleware in async mode."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from asgiref.sync import async_to_sync
from django.core.handlers.asgi import ASGIRequest
from django.http import HttpResponse
from django.test import AsyncClient, Client

from tests.panel_support import (
    PANEL_ID,
    Recorder,
    make_posts,
    render_panel,
    request_id,
    stored_panel,
    toolbar_settings,
)

VIEWS = Path(__file__).parent / "testapp" / "views.py"


def line_of(text: str) -> int:
    for number, line in enumerate(VIEWS.read_text().splitlines(), start=1):
        if text in line:
            return number
    raise AssertionError(text)


class Served(NamedTuple):
    response: HttpResponse
    toolbar: Any
    panel: Any


@pytest.fixture
def served(db: None) -> Iterator[Served]:
    """``/panel/async/`` through AsyncClient: ASGI request, async middleware chain."""
    make_posts(3)
    with toolbar_settings(), Recorder() as recorder:
        # Called from this (sync) thread, the ORM calls the async view hands to
        # sync_to_async run here, inside the test's transaction.
        response = async_to_sync(AsyncClient().get)("/panel/async/")
        yield Served(response, recorder.toolbars[-1], recorder.panel)  # type: ignore[arg-type]


def test_the_request_ran_under_asgi_with_the_panel(served: Served) -> None:
    toolbar = served.toolbar
    assert isinstance(toolbar.request, ASGIRequest)
    # Panels that are not is_async are switched off for ASGI requests.
    assert toolbar.get_panel_by_id(PANEL_ID).enabled
    assert served.response.status_code == 200
    assert f'id="djdt-{PANEL_ID}"' in served.response.content.decode()


def test_the_async_views_queries_and_finding_are_recorded(served: Served) -> None:
    stats = served.panel.get_stats()
    assert stats["query_count"] == 4
    (finding,) = stats["findings"]
    assert finding["kind"] == "n_plus_one"
    site = stats["sites"][finding["call_site"]]
    assert (site["short"], site["line"]) == (
        "tests/testapp/views.py",
        line_of("post.category.name for post in posts"),
    )
    # The list query ran in the async view itself (async for) and is attributed to it.
    first = stats["queries"][0]
    assert stats["sites"][first["call_site"]]["line"] == line_of("async for post in")
    assert re.fullmatch(r"1 N\+1 · 4 queries, \d+\.\d ms", served.panel.nav_subtitle)


def test_stored_copy_renders_like_the_live_panel(served: Served, client: Client) -> None:
    stored = stored_panel(request_id(served.response))
    assert stored.content == served.panel.content
    content = render_panel(client, request_id(served.response))["content"]
    assert content == served.panel.content
