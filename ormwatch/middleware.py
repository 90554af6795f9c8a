"""``OrmWatchMiddleware``: record each request, log its findings, optionally fail it.

Sync and async capable. It shares one recording per request with the toolbar
panel (whichever runs first starts it), so the two can stand in either order.
Recording is off unless ``ORMWATCH["ENABLED"]`` says so, or ``DEBUG`` when
that is left as ``None``; ``SAMPLE_RATE`` then picks the fraction of requests
it records, and ``EXCLUDE_PATHS`` (by default the toolbar's URLs) the ones it
never does. When OpenTelemetry is installed and the request's span is
recording, the findings also go onto that span (``ormwatch._otel``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from random import random as _draw
from typing import Any

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.http import HttpRequest, HttpResponse

from ormwatch import _conf, _failsafe
from ormwatch._errors import OrmWatchError
from ormwatch._excluded import excluded
from ormwatch._log import log_report
from ormwatch._record import _requests, request_scope
from ormwatch._report import Report, failing_findings

__all__ = ["OrmWatchMiddleware"]


def _sampled(settings: _conf.Settings) -> bool:
    """Record this request? An unsampled one costs this one draw and nothing else."""
    if not settings.enabled:
        return False
    return settings.sample_rate >= 1.0 or _draw() < settings.sample_rate


def _recorded(request: HttpRequest, settings: _conf.Settings) -> bool:
    """Sampled, and not under ``EXCLUDE_PATHS`` (by default the toolbar's own views)."""
    return _sampled(settings) and not excluded(request.path_info, settings)


class OrmWatchMiddleware:
    """Add ``"ormwatch.middleware.OrmWatchMiddleware"`` to ``MIDDLEWARE``."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response: Callable[[HttpRequest], Any]) -> None:
        self.get_response = get_response
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest) -> Any:
        if self.is_async:
            return self.__acall__(request)
        settings = _conf.get()
        if not _recorded(request, settings):
            return self.get_response(request)
        with request_scope() as report:
            response = self.get_response(request)
            _requests.answered(report.queries, response)
        self._after(request, report, settings)
        return response

    async def __acall__(self, request: HttpRequest) -> HttpResponse:
        settings = _conf.get()
        get_response: Callable[[HttpRequest], Awaitable[HttpResponse]] = self.get_response
        if not _recorded(request, settings):
            return await get_response(request)
        with request_scope() as report:
            response = await get_response(request)
            _requests.answered(report.queries, response)
        self._after(request, report, settings)
        return response

    def _after(self, request: HttpRequest, report: Report, settings: _conf.Settings) -> None:
        try:
            log_report(report, f"{request.method} {request.path}", settings.warnings)
            findings = report.findings
        except Exception as exc:  # fail-open: the response is the user's
            _failsafe.swallow("logging a request", exc)
            return
        try:
            from ormwatch import _otel

            _otel.annotate_current_span(report)
        except Exception as exc:  # fail-open: a tracing problem never breaks the page
            _failsafe.swallow("adding findings to the OpenTelemetry span", exc)
        if settings.raise_kinds is not None:
            raising = failing_findings(findings, settings.raise_kinds)
            if raising:
                raise OrmWatchError(raising)
