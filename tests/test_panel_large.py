"""Huge requests: the panel stores a bounded number of queries and counts the rest.

The render time of such a panel is measured in ``bench/panel.py``, not here.
"""

from __future__ import annotations

import re

import pytest
from debug_toolbar.store import serialize
from django.test import Client

import ormwatch
from ormwatch.panels import _render, _stats
from tests.panel_support import Recorder, make_posts, render_panel, request_id, toolbar_settings
from tests.testapp.models import Blog, Post


@pytest.mark.django_db
def test_ten_thousand_queries_store_two_thousand(client: Client) -> None:
    with toolbar_settings(), Recorder() as recorder:
        response = client.get("/panel/queries/", {"n": 10_000})
        stats = recorder.panel.get_stats()
        content = render_panel(client, request_id(response))["content"]
    assert stats["query_count"] == 10_000
    assert stats["stored_count"] == 2_000
    assert [q["index"] for q in stats["queries"]] == list(range(2_000))
    # The same statement 10,000 times is stored once; the rows point to it.
    assert len(stats["sqls"]) == 1
    assert len(serialize(stats)) < 1_000_000
    assert re.match(r"10,000 queries, \d+\.\d ms$", recorder.panel.nav_subtitle)
    assert content.count('<tr class="ow-query') == 2_000
    assert "… 8,000 more queries not stored" in content
    assert "8,000 queries counted, not stored" in content


@pytest.mark.django_db
def test_panel_max_queries_setting(client: Client) -> None:
    with toolbar_settings(ormwatch={"PANEL_MAX_QUERIES": 25}), Recorder() as recorder:
        client.get("/panel/queries/", {"n": 100})
        stats = recorder.panel.get_stats()
    assert (stats["query_count"], stats["stored_count"], stats["max_queries"]) == (100, 25, 25)


def test_a_findings_sample_query_is_kept_past_the_cap(db: None) -> None:
    make_posts(3)
    blog = Blog.objects.create(name="b")
    with ormwatch.watch() as report:
        for _ in range(30):
            Blog.objects.filter(pk=blog.pk).exists()
        for post in Post.objects.order_by("pk"):
            post.category.name  # noqa: B018 - the N+1
    (finding,) = [f for f in report.findings if f.kind == "n_plus_one"]
    sample = finding.queries[0].index
    assert sample > 10

    stats = _stats.build(report, 10)
    stored = [q["index"] for q in stats["queries"]]
    assert stored == [*range(10), sample]
    content = _render.render(stats, None, "/static/ormwatch/panel.css")
    assert f"… {sample - 10} queries not stored" in content
    assert f"(query {sample + 1}, first of 3, default)" in content
    # The finding still counts all of its queries, stored or not.
    assert "3 queries · " in content


def test_a_huge_in_list_is_collapsed_before_formatting(db: None) -> None:
    make_posts(2)
    ids = list(range(1, 5_001))
    with ormwatch.watch() as report:
        for _ in range(2):
            list(Post.objects.filter(pk__in=ids))
    stats = _stats.build(report, 2000)
    content = _render.render(stats, None, "/static/ormwatch/panel.css")
    sql = re.search(r'<pre class="ow-sql">(.*?)</pre>', content, re.S)
    assert sql is not None
    assert "/* … 4,997 more */" in sql.group(1)
    assert len(sql.group(1)) < 2_000
