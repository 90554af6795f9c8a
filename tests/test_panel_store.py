"""The panel with the toolbar's DatabaseStore: stats stored as JSON in a table.

``tests/settings.py`` configures that store at start-up (the toolbar only
loads its model then), so the ``debug_toolbar_historyentry`` table exists in
the test database of every vendor.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from debug_toolbar.models import HistoryEntry
from django.test import Client
from django.test.utils import override_settings

from tests.panel_support import (
    DATABASE_STORE,
    PANEL_ID,
    Recorder,
    make_posts,
    render_panel,
    request_id,
    stored_panel,
    toolbar_settings,
)

MIDDLEWARE = "ormwatch.middleware.OrmWatchMiddleware"


@pytest.fixture
def served(db: None, client: Client) -> Iterator[tuple[str, Any]]:
    """An N+1 page served with the database store: its request id and live panel."""
    make_posts(4)
    with toolbar_settings(store=DATABASE_STORE), Recorder() as recorder:
        response = client.get("/panel/n-plus-one/")
        yield request_id(response), recorder.panel


def test_stats_are_stored_as_json_in_the_table(served: tuple[str, Any]) -> None:
    rid, live = served
    entry = HistoryEntry.objects.get(request_id=rid)
    stored = json.loads(entry.data[PANEL_ID])
    assert stored == live.get_stats()
    assert stored["query_count"] == 9
    assert [f["kind"] for f in stored["findings"]] == ["n_plus_one"]


def test_toolbar_store_queries_are_not_in_the_panel(served: tuple[str, Any]) -> None:
    # The store writes before and after the request; the panel records only the request.
    _, live = served
    assert not [sql for sql in live.get_stats()["sqls"] if "debug_toolbar" in sql]


def test_panel_renders_from_the_table_like_the_live_one(
    served: tuple[str, Any], client: Client
) -> None:
    rid, live = served
    with toolbar_settings(store=DATABASE_STORE):
        assert stored_panel(rid).content == live.content
        assert render_panel(client, rid)["content"] == live.content


def test_history_switches_back_to_an_earlier_request(
    served: tuple[str, Any], client: Client
) -> None:
    rid, live = served
    with toolbar_settings(store=DATABASE_STORE):
        client.get("/panel/clean/")
        assert HistoryEntry.objects.count() == 2
        sidebar = client.get(
            "/__debug__/history_sidebar/", {"request_id": rid, "exclude_history": "True"}
        ).json()
    assert live.nav_subtitle in sidebar[PANEL_ID]["button"]
    assert "1 N+1 · 9 queries" in live.nav_subtitle


@pytest.mark.parametrize(
    ("middleware", "store_queries"),
    [
        # After the toolbar: the panel opens the recording, the middleware joins it.
        (["debug_toolbar.middleware.DebugToolbarMiddleware", MIDDLEWARE], False),
        # Before it: the middleware's recording also holds the store's own
        # statements, made before the panels run (docs/panel.md).
        ([MIDDLEWARE, "debug_toolbar.middleware.DebugToolbarMiddleware"], True),
    ],
)
def test_panel_and_middleware_share_one_recording(
    db: None, middleware: list[str], store_queries: bool
) -> None:
    make_posts(4)
    with (
        toolbar_settings(store=DATABASE_STORE),
        override_settings(MIDDLEWARE=middleware),
        Recorder() as recorder,
    ):
        # A new client: the test client builds its middleware chain on first use.
        Client().get("/panel/n-plus-one/")
        stats = recorder.panel.get_stats()
    toolbar_sql = [sql for sql in stats["sqls"] if "debug_toolbar_historyentry" in sql]
    assert bool(toolbar_sql) is store_queries
    # Recorded once: one N+1 of 8 loads, not two.
    (finding,) = stats["findings"]
    assert (finding["kind"], finding["query_count"]) == ("n_plus_one", 8)
    if not store_queries:
        assert stats["query_count"] == 9
