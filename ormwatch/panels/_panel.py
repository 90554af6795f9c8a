"""``OrmWatchPanel``: django-debug-toolbar's side of ormwatch.

The toolbar's contract, and how this panel keeps it:

- Recording: ``process_request`` runs the rest of the request inside
  ``request_scope()``, which joins the recording ``OrmWatchMiddleware`` may
  already have opened, so a request is recorded once whatever the order.
- Async: under ASGI the toolbar awaits ``process_request``; the inner call then
  returns a coroutine that has not run yet, so the scope stays open until it
  has been awaited (the toolbar's own ``RedirectsPanel`` tells the two cases
  apart the same way).
- Storage: ``generate_stats`` records plain, bounded data once per request
  (``_stats``). The toolbar serialises it and renders the panel later, often
  from a new panel object loaded from the store with no request, so
  ``content``, ``title``, ``nav_subtitle`` and ``nav_icon`` read nothing but
  the stats and the settings.
"""

from __future__ import annotations

from collections.abc import Awaitable
from contextlib import ExitStack
from inspect import iscoroutine
from typing import Any

from debug_toolbar.panels import Panel
from django.http import HttpRequest, HttpResponse
from django.templatetags.static import static
from django.utils.html import escape

from ormwatch import _conf, _failsafe
from ormwatch._record import _requests, request_scope
from ormwatch._report import Report
from ormwatch.panels import _labels, _render, _stats

__all__ = ["OrmWatchPanel"]

ICONS: dict[str | None, str] = {
    "error": "ormwatch/icon-error.svg",
    "warning": "ormwatch/icon-warning.svg",
    None: "ormwatch/icon.svg",
}


class OrmWatchPanel(Panel):
    """What is wrong with this request's queries, where, and the fix.

    Add ``"ormwatch.panels.OrmWatchPanel"`` to ``DEBUG_TOOLBAR_PANELS``.
    """

    is_async = True
    title = "ORM Watch"
    nav_title = "ORM Watch"

    _report: Report | None = None
    # None until process_request ran: another panel may answer the request first.
    _recording: bool | None = None

    # Recording

    def process_request(self, request: HttpRequest) -> Any:
        """Run the rest of the request inside the request's recording."""
        self._recording = _conf.get().enabled
        with ExitStack() as scope:
            if self._recording:
                self._report = scope.enter_context(request_scope())
            response = super().process_request(request)  # type: ignore[no-untyped-call]
            if iscoroutine(response):
                # Nothing has run yet: keep the scope open until it has.
                return self._finish(scope.pop_all(), response)
            self._answered(response)
        return response

    async def _finish(self, scope: ExitStack, response: Awaitable[HttpResponse]) -> HttpResponse:
        with scope:
            answered = await response
            self._answered(answered)
            return answered

    def _answered(self, response: Any) -> None:
        if self._report is not None:
            _requests.answered(self._report.queries, response)

    def generate_stats(self, request: HttpRequest, response: HttpResponse) -> None:
        """Record the findings and queries, once, as plain data."""
        settings = _conf.get()
        if self._recording is False:
            stats = _stats.disabled()
        elif self._report is None:
            stats = _stats.empty()
        else:
            try:
                stats = _stats.build(self._report, settings.panel_max_queries)
            except Exception as exc:  # fail-open: an empty panel, never a broken page
                _failsafe.swallow("building the toolbar panel's stats", exc)
                stats = _stats.empty()
        self._report = None  # the stats are the panel's copy; let the queries go
        try:
            self.record_stats(stats)  # type: ignore[no-untyped-call]
        except Exception as exc:  # fail-open: the store's error must not fail the page
            _failsafe.swallow("storing the toolbar panel's stats", exc)
            # record_stats() merged the refused stats before the store raised.
            self.toolbar.stats.pop(self.panel_id, None)
            self.record_stats(_stats.empty())  # type: ignore[no-untyped-call]

    def _stats(self) -> dict[str, Any]:
        stats: dict[str, Any] = self.get_stats()  # type: ignore[no-untyped-call]
        return stats

    # Display, from the stats alone

    @property
    def nav_subtitle(self) -> str:
        stats = self._stats()
        return _labels.subtitle(stats) if stats else ""

    # The base class declares a plain attribute; the toolbar only reads it.
    @property
    def nav_icon(self) -> str:  # type: ignore[override]
        """A warning sign in the toolbar's sidebar when findings need attention."""
        severities = {f["severity"] for f in self._stats().get("findings", [])}
        worst = next((s for s in ("error", "warning") if s in severities), None)
        return ICONS[worst]

    @property
    def content(self) -> str:
        stats = self._stats() or _stats.empty()
        if stats.get("version") != _stats.VERSION:
            # The database store keeps requests across an upgrade of ormwatch.
            return "<p>This request was recorded by another version of ormwatch.</p>"
        try:
            return _render.render(
                stats,
                editor_url=_conf.get().editor_url,
                stylesheet=static("ormwatch/panel.css"),
            )
        except Exception as exc:  # fail-open: a message in the panel, not a toolbar error
            _failsafe.swallow("rendering the toolbar panel", exc)
            return f"<p>ormwatch could not show this request: {escape(repr(exc))}</p>"

    @property
    def scripts(self) -> list[str]:
        scripts: list[str] = super().scripts
        scripts.append(static("ormwatch/panel.js"))
        return scripts
