"""The panel on the example project, as a new user meets it: a real dev server,
Debian's Chromium, the toolbar's render view.

``make demo`` serves the same project; this starts it on a free port with a
temporary database. Skipped when Chromium or playwright is missing.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser_support import CHROMIUM, browser_page, open_panel, screenshot
from tests.panel_support import PANEL_ID

MANAGE = Path(__file__).resolve().parent.parent / "example_project" / "manage.py"
if not CHROMIUM.exists():
    pytest.skip("needs Debian's Chromium at /usr/bin/chromium", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="needs playwright")


@pytest.fixture(scope="module")
def example_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The example project, migrated and seeded, on 127.0.0.1 at a free port."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST_"))}
    env["EXAMPLE_DB"] = str(tmp_path_factory.mktemp("example") / "db.sqlite3")
    for command in (["migrate", "--noinput"], ["seed"]):
        subprocess.run(
            [sys.executable, str(MANAGE), *command], env=env, check=True, capture_output=True
        )
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, str(MANAGE), "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            with socket.socket() as client:
                if client.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        else:
            pytest.fail("the example project's dev server did not start in 10 s")
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def page(tmp_path: Path) -> Iterator[Any]:
    with browser_page(tmp_path / "profile") as page:
        yield page


def test_the_template_n_plus_one_page_and_its_fixed_twin(example_server: str, page: Any) -> None:
    page.goto(f"{example_server}/n-plus-one-template/bad/")
    assert "N+1" in page.locator(f"#djdt-{PANEL_ID}").inner_text()
    panel = open_panel(page)
    finding = panel.locator(".ow-finding")
    assert finding.count() == 1
    assert finding.locator(".ow-headline").inner_text().startswith("N+1: ")
    places = finding.locator(".ow-places").inner_text()
    assert "Triggered at\n" in places
    assert ".html:" in places
    assert "Fix at\n" in places
    assert "views.py:" in places
    assert "select_related(" in finding.locator(".ow-fix-code").inner_text()
    sql = finding.locator(".ow-sql")
    finding.locator("details.ow-more > summary").click()
    assert sql.is_visible()
    assert "SELECT" in sql.inner_text()
    screenshot(page, "demo.png")  # the README's

    page.goto(f"{example_server}/n-plus-one-template/fixed/")
    panel = open_panel(page)
    assert panel.locator(".ow-finding").count() == 0
    assert "No findings" in panel.locator(".ow-clean").inner_text()


# Every link of the index that the toolbar covers, with the toolbar open (its
# default): the element at the link's centre, once scrolled into view, must be
# the link.
COVERED_LINKS = """
() => [...document.querySelectorAll("body > table a, body > nav a")].filter((link) => {
    link.scrollIntoView({block: "center", inline: "center"});
    const box = link.getBoundingClientRect();
    const hit = document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);
    return !(hit && link.contains(hit));
}).map((link) => link.textContent + " " + link.getAttribute("href"))
"""


@pytest.mark.parametrize(("width", "height"), [(1280, 800), (1920, 1080)])
def test_the_index_links_are_clickable_with_the_toolbar_open(
    example_server: str, page: Any, width: int, height: int
) -> None:
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"{example_server}/")
    assert page.locator("#djDebugToolbar").is_visible()
    assert page.locator("body > table a").count() >= 60
    assert page.evaluate(COVERED_LINKS) == []
    # The last column, nearest the toolbar: a real click lands on the page.
    page.locator("body > table tbody tr").first.locator("a.fixed").click()
    page.wait_for_url(f"{example_server}/n-plus-one-fk/fixed/")
