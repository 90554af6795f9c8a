"""What the browser tests share: Debian's Chromium, a page that records script errors,
and opening the ORM Watch panel through the toolbar's render view."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tests.panel_support import PANEL_ID

CHROMIUM = Path("/usr/bin/chromium")
# As root in a closed network: no sandbox, no background connections.
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@contextmanager
def browser_page(profile: Path) -> Iterator[Any]:
    """A page in a fresh Chromium profile; fails on script errors and console errors."""
    from playwright import sync_api

    problems: list[str] = []
    with sync_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path=str(CHROMIUM),
            headless=True,
            args=ARGS,
            viewport={"width": 1400, "height": 1000},
        )
        try:
            context.grant_permissions(["clipboard-read", "clipboard-write"])
            context.set_default_timeout(15_000)
            page = context.pages[0] if context.pages else context.new_page()
            page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
            page.on(
                "console",
                lambda message: (
                    problems.append(f"console: {message.text}") if message.type == "error" else None
                ),
            )
            yield page
        finally:
            context.close()
    assert problems == []


def open_panel(page: Any) -> Any:
    """Click the panel in the toolbar; the content arrives through ``render_panel``."""
    with page.expect_response(lambda r: "/__debug__/render_panel/" in r.url) as rendered:
        page.locator(f"#djdt-{PANEL_ID} a").click()
    assert rendered.value.ok
    assert f"panel_id={PANEL_ID}" in rendered.value.url
    content = page.locator(f"#{PANEL_ID} .ow")
    content.wait_for()
    return content


SCREENSHOTS = Path(__file__).resolve().parent.parent / "docs" / "img"


def screenshot(page: Any, name: str) -> None:
    """Write ``docs/img/<name>`` when ``ORMWATCH_SCREENSHOTS=1``.

    Opt-in, so that test runs never rewrite the README's images.
    """
    if os.environ.get("ORMWATCH_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / name))
