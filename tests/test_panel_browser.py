"""The panel in a real browser: Playwright driving Debian's Chromium, headless.

A real threaded WSGI server (Django's ``LiveServerThread``) serves the test
pages with the toolbar, under a Content-Security-Policy without
``'unsafe-inline'``. The browser opens the panel, which the toolbar fetches
through its ``render_panel`` view from the store, and the test reads the
result inside the toolbar's shadow DOM. The screenshots in ``docs/img/`` come
from here.

Skipped when ``/usr/bin/chromium`` or the ``playwright`` package is missing;
``playwright install`` is never needed (no browser download).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser_support import CHROMIUM, browser_page, open_panel, screenshot
from tests.panel_support import PANEL_ID, make_posts, toolbar_settings

if not CHROMIUM.exists():
    pytest.skip(
        "needs Debian's Chromium at /usr/bin/chromium (apt-get install chromium)",
        allow_module_level=True,
    )
sync_api = pytest.importorskip(
    "playwright.sync_api", reason="needs playwright (pip install playwright)"
)

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def server(request: pytest.FixtureRequest) -> Iterator[str]:
    """A live server with the toolbar on every page; its URL.

    Parametrize it indirectly with a dict of ``DEBUG_TOOLBAR_CONFIG`` entries.
    """
    from pytest_django.live_server_helper import LiveServer

    ormwatch = {"EDITOR_URL": "vscode://file/{path}:{line}"}
    config = getattr(request, "param", {})
    middleware = ["tests.panel_support.ContentSecurityPolicyMiddleware"]
    with toolbar_settings(middleware=middleware, ormwatch=ormwatch, **config):
        # Started inside the settings: the server's handler reads MIDDLEWARE once.
        live = LiveServer("127.0.0.1:0")
        live._live_server_modified_settings.enable()
        try:
            yield live.url
        finally:
            live._live_server_modified_settings.disable()
            live.stop()


@pytest.fixture
def posts() -> None:
    """Six posts, made before the browser starts: Playwright's sync API runs an
    event loop in this thread, and Django refuses the ORM there."""
    make_posts(6)


@pytest.fixture
def page(posts: None, tmp_path: Path) -> Iterator[Any]:
    """A page in a fresh Chromium profile; fails the test on script errors and CSP reports."""
    with browser_page(tmp_path / "profile") as page:
        yield page


def test_n_plus_one_page(server: str, page: Any) -> None:
    page.goto(f"{server}/panel/n-plus-one/")
    # The toolbar lives in a shadow root; Playwright's CSS selectors pierce it.
    button = page.locator(f"#djdt-{PANEL_ID}")
    assert "ORM Watch" in button.inner_text()
    assert "1 N+1 · 13 queries" in button.inner_text()

    panel = open_panel(page)
    finding = panel.locator(".ow-finding")
    assert finding.count() == 1
    head = finding.locator(".ow-headline").inner_text()
    assert head.startswith("N+1: 12 queries loading testapp.Post.category__blog")
    places = finding.locator(".ow-places").inner_text()
    assert "Triggered at\ntests/testapp/templates/testapp/panel_page.html:10" in places
    assert "Fix at\ntests/testapp/views.py:" in places
    assert 'posts = Post.objects.order_by("pk")' in places
    fix = 'posts = Post.objects.select_related("category__blog").order_by("pk")'
    assert finding.locator(".ow-fix-code").inner_text() == fix
    # The panel's stylesheet reached into the shadow root.
    badge = finding.locator(".ow-badge")
    # (waits for the stylesheet: on a busy machine it may apply after the panel shows)
    sync_api.expect(badge).to_have_css("background-color", "rgb(183, 121, 31)")
    # The relation and its path read as one line (the toolbar makes <code> a block).
    relation = finding.locator(".ow-places dd", has_text=", path")
    tops = relation.locator("code").evaluate_all("cs => cs.map(c => c.getBoundingClientRect().top)")
    assert len(tops) == 2
    assert tops[0] == tops[1], tops
    # Editor links.
    link = finding.locator(".ow-places a.ow-path").first
    assert link.get_attribute("href").startswith("vscode://file/")

    # The SQL is there on demand.
    sql = finding.locator(".ow-sql")
    assert not sql.is_visible()
    finding.locator("details.ow-more > summary").click()
    assert sql.is_visible()
    assert re.search(r'FROM ["`]testapp_category["`]', sql.inner_text())
    assert finding.locator(".ow-stack li").count() >= 3

    # Copy the fix.
    copy = finding.locator("[data-ow-copy]")
    copy.click()
    page.wait_for_function(
        "() => navigator.clipboard.readText().then(t => t.length > 0)", polling=100
    )
    assert page.evaluate("navigator.clipboard.readText()") == fix
    assert copy.inner_text() == "Copied"

    # Copy the request's patch: the whole diff, as git apply takes it.
    copy_patch = panel.locator("[data-ow-copy-patch]")
    copy_patch.click()
    page.wait_for_function(
        "() => navigator.clipboard.readText().then(t => t.startsWith('--- a/'))", polling=100
    )
    patch = page.evaluate("navigator.clipboard.readText()")
    assert patch == copy_patch.get_attribute("data-ow-copy-patch")
    assert patch.startswith("--- a/tests/testapp/views.py\n+++ b/tests/testapp/views.py\n")
    assert f'\n-    posts = Post.objects.order_by("pk")\n+    {fix}\n' in patch
    assert copy_patch.inner_text() == "Copied"

    screenshot(page, "panel-n-plus-one.png")

    # Filter by kind: only the N+1's statements stay in the query list.
    rows = panel.locator("tr.ow-query")
    assert rows.count() == 13
    panel.locator('[data-ow-filter="n_plus_one"]').click()
    assert panel.locator("tr.ow-query:visible").count() == 12
    panel.locator('[data-ow-filter=""]').click()
    assert panel.locator("tr.ow-query:visible").count() == 13

    # Collapse all, then jump from a query to its finding.
    panel.locator('[data-ow-expand="close"]').click()
    assert not sql.is_visible()
    rows.nth(1).locator("[data-ow-goto]").click()
    page.wait_for_function(
        "() => document.getElementById('djDebugRoot').shadowRoot"
        ".querySelector('#ow-f1').classList.contains('ow-flash')"
    )


def test_clean_page(server: str, page: Any) -> None:
    page.goto(f"{server}/panel/clean/")
    assert "1 query," in page.locator(f"#djdt-{PANEL_ID}").inner_text()
    panel = open_panel(page)
    assert panel.locator(".ow-finding").count() == 0
    assert "No findings" in panel.locator(".ow-clean").inner_text()
    assert panel.locator("tr.ow-query").count() == 1
    screenshot(page, "panel-clean.png")


@pytest.mark.parametrize("server", [{"USE_SHADOW_DOM": False}], indirect=True)
def test_without_shadow_dom(server: str, page: Any) -> None:
    page.goto(f"{server}/panel/n-plus-one/")
    assert page.evaluate("document.getElementById('djDebugRoot').shadowRoot") is None
    panel = open_panel(page)
    finding = panel.locator(".ow-finding")
    badge = finding.locator(".ow-badge")
    # (waits for the stylesheet: on a busy machine it may apply after the panel shows)
    sync_api.expect(badge).to_have_css("background-color", "rgb(183, 121, 31)")
    panel.locator('[data-ow-expand="open"]').click()
    assert finding.locator(".ow-sql").is_visible()
    panel.locator('[data-ow-filter="n_plus_one"]').click()
    assert panel.locator("tr.ow-query:visible").count() == 12
