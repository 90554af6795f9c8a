"""The ORM Watch toolbar panel through the real django-debug-toolbar, under WSGI.

Requests go through the toolbar's middleware with Django's test client; the
panel's content is fetched the way the browser fetches it, through the
toolbar's ``render_panel`` view, which rebuilds the panel from the store.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import unescape
from pathlib import Path

import pytest
from debug_toolbar.store import deserialize, serialize
from django.test import Client

from tests.panel_support import (
    PANEL_ID,
    Recorder,
    make_posts,
    render_panel,
    request_id,
    stored_panel,
    toolbar_settings,
)

TEMPLATE = "tests/testapp/templates/testapp/panel_page.html"
VIEWS = Path(__file__).parent / "testapp" / "views.py"


def view_line(text: str) -> int:
    """The line of ``tests/testapp/views.py`` holding ``text``."""
    for number, line in enumerate(VIEWS.read_text().splitlines(), start=1):
        if text in line:
            return number
    raise AssertionError(f"{text!r} not in {VIEWS}")


def text_of(html: str) -> str:
    """The HTML's text, tags dropped and whitespace collapsed, for reading assertions."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def toolbar() -> Iterator[None]:
    """The toolbar with the ORM Watch panel on every request, in-memory store."""
    with toolbar_settings():
        yield


class TestNPlusOnePage:
    @pytest.fixture(autouse=True)
    def page(self, toolbar: None, db: None, client: Client) -> None:
        make_posts(4)
        with Recorder() as recorder:
            self.response = client.get("/panel/n-plus-one/")
        self.live = recorder.panel
        self.request_id = request_id(self.response)

    def test_the_toolbar_is_on_the_page_with_the_panel(self) -> None:
        html = self.response.content.decode()
        assert 'id="djDebug"' in html
        assert f'id="djdt-{PANEL_ID}"' in html
        assert "ORM Watch" in html

    def test_subtitle_counts_the_findings_and_queries(self) -> None:
        # 1 list query, 4 category loads, 4 blog loads: one nested N+1 finding.
        assert re.fullmatch(r"1 N\+1 · 9 queries, \d+\.\d ms", self.live.nav_subtitle)
        assert self.live.nav_subtitle in self.response.content.decode()

    def test_nav_entry_is_marked_with_the_warning_icon(self) -> None:
        assert self.live.nav_icon == "ormwatch/icon-warning.svg"
        # The toolbar inlines the icon's SVG into the sidebar entry.
        assert "#f0ad2b" in self.response.content.decode()

    def test_content_comes_from_the_render_view_with_the_panel_script(self, client: Client) -> None:
        data = render_panel(client, self.request_id)
        assert data["scripts"] == ["/static/ormwatch/panel.js"]
        content = data["content"]
        assert '<link rel="stylesheet" href="/static/ormwatch/panel.css">' in content
        text = text_of(content)
        assert "N+1: 8 queries loading testapp.Post.category__blog" in text
        fix_line = view_line("def panel_n_plus_one") + 1
        places = re.search(r'<dl class="ow-places">(.*?)</dl>', content, re.S)
        assert places is not None
        source = "&lt;tr&gt;&lt;td&gt;{{ post.title }}&lt;/td&gt;&lt;td&gt;{{ post.category.name }}"
        assert text_of(places.group(1)).strip() == (
            f"Triggered at {TEMPLATE}:10 testapp/panel_page.html {source}"
            "&lt;/td&gt;&lt;td&gt;{{ post.category.blog.name }}&lt;/td&gt;&lt;/tr&gt; "
            f"Fix at tests/testapp/views.py:{fix_line} panel_n_plus_one "
            "posts = Post.objects.order_by(&#34;pk&#34;) "
            "Relation testapp.Category.blog , path category__blog"
        )
        fix = re.search(r'<pre class="ow-fix-code"><code>(.*?)</code></pre>', content)
        assert fix is not None
        assert fix.group(1) == (
            "posts = Post.objects.select_related(&#34;category__blog&#34;).order_by(&#34;pk&#34;)"
        )

    def test_copy_patch_carries_the_requests_patch_escaped(self, client: Client) -> None:
        content = render_panel(client, self.request_id)["content"]
        button = re.search(r'<button type="button" data-ow-copy-patch="([^"]*)"', content)
        assert button is not None
        fix_line = view_line("def panel_n_plus_one") + 1
        assert unescape(button.group(1)) == self.live.get_stats()["patch"]
        assert unescape(button.group(1)).splitlines()[:6] == [
            "--- a/tests/testapp/views.py",
            "+++ b/tests/testapp/views.py",
            f"@@ -{fix_line - 3},7 +{fix_line - 3},7 @@",
            " ",
            " ",
            " def panel_n_plus_one(request: HttpRequest) -> HttpResponse:",
        ]
        assert "&#34;category__blog&#34;" in button.group(1)

    def test_content_shows_every_query_with_its_finding(self, client: Client) -> None:
        content = render_panel(client, self.request_id)["content"]
        rows = re.findall(r'<tr class="ow-query[^"]*" data-ow-kinds="([^"]*)">', content)
        assert rows == [""] + ["n_plus_one"] * 8
        # The eight loads fall into two shape groups of four.
        assert content.count("\u00d74") == 8  # "G2 x4": the multiplication sign

    def test_sql_is_formatted_for_the_expanded_finding(self, client: Client) -> None:
        content = render_panel(client, self.request_id)["content"]
        sql = re.search(r'<pre class="ow-sql">(.*?)</pre>', content, re.S)
        assert sql is not None
        assert "SELECT" in sql.group(1)
        assert "\nFROM" in sql.group(1)

    def test_stats_survive_the_stores_json_unchanged(self) -> None:
        stats = self.live.get_stats()
        assert deserialize(serialize(stats)) == stats
        assert stats == stored_panel(self.request_id).get_stats()

    def test_stored_panel_renders_the_same_as_the_live_one(self) -> None:
        stored = stored_panel(self.request_id)
        assert stored.from_store
        assert stored.toolbar.request is None
        assert stored.content == self.live.content
        assert stored.nav_subtitle == self.live.nav_subtitle
        assert stored.nav_icon == self.live.nav_icon
        assert stored.title == self.live.title == "ORM Watch"

    def test_history_panel_shows_an_earlier_request(self, client: Client) -> None:
        client.get("/panel/clean/")
        response = client.get(
            "/__debug__/history_sidebar/",
            {"request_id": self.request_id, "exclude_history": "True"},
        )
        button = response.json()[PANEL_ID]["button"]
        # (a loaded machine may add "1 slow query" between the two)
        assert re.search(r"1 N\+1 · (\d+ slow quer(y|ies) · )?9 queries", button), button


@pytest.mark.usefixtures("toolbar")
def test_clean_page_shows_no_findings(db: None, client: Client) -> None:
    make_posts(3)
    with Recorder() as recorder:
        response = client.get("/panel/clean/")
    panel = recorder.panel
    assert re.fullmatch(r"1 query, \d+\.\d ms", panel.nav_subtitle)
    assert panel.nav_icon == "ormwatch/icon.svg"
    content = render_panel(client, request_id(response))["content"]
    assert "No findings" in content
    assert 'class="ow-finding' not in content


def test_panel_records_nothing_when_ormwatch_is_off(db: None, client: Client) -> None:
    make_posts(2)
    with toolbar_settings(ormwatch={"ENABLED": False}), Recorder() as recorder:
        response = client.get("/panel/n-plus-one/")
        panel = recorder.panel
        assert panel.nav_subtitle == "not recording"
        assert "recording is off" in render_panel(client, request_id(response))["content"]


def test_editor_url_turns_paths_into_links(db: None, client: Client) -> None:
    make_posts(2)
    with toolbar_settings(ormwatch={"EDITOR_URL": "vscode://file/{path}:{line}"}):
        response = client.get("/panel/n-plus-one/")
        content = render_panel(client, request_id(response))["content"]
    template = Path(__file__).parent / "testapp" / "templates" / "testapp" / "panel_page.html"
    assert f'href="vscode://file/{template}:9"' in content


@pytest.mark.usefixtures("toolbar")
def test_without_editor_url_paths_are_plain_text(db: None, client: Client) -> None:
    make_posts(2)
    content = render_panel(client, request_id(client.get("/panel/n-plus-one/")))["content"]
    assert 'class="ow-path" href=' not in content
    assert '<span class="ow-path"' in content


def test_sql_panel_records_alongside(db: None, client: Client) -> None:
    panels = [
        "debug_toolbar.panels.history.HistoryPanel",
        "debug_toolbar.panels.sql.SQLPanel",
        "ormwatch.panels.OrmWatchPanel",
    ]
    make_posts(3)
    with toolbar_settings(panels=panels), Recorder() as recorder:
        response = client.get("/panel/n-plus-one/")
        toolbar = recorder.toolbars[-1]
        sql_stats = toolbar.get_panel_by_id("SQLPanel").get_stats()  # type: ignore[no-untyped-call]
        ours = toolbar.get_panel_by_id(PANEL_ID).get_stats()  # type: ignore[no-untyped-call]
        assert len(sql_stats["queries"]) == ours["query_count"] == 7
        # The SQL panel's cursor wrapper does not hide the user's line from ormwatch.
        (finding,) = ours["findings"]
        assert ours["sites"][finding["call_site"]]["short"] == TEMPLATE
        sql_content = toolbar.get_panel_by_id("SQLPanel").content
        assert "testapp_category" in sql_content
        assert "N+1" in render_panel(client, request_id(response))["content"]
