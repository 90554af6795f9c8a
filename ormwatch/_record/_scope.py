"""One recording per request, shared by everything that wants it.

The middleware and the toolbar panel both record the request; whichever
starts first owns the recording and the other joins it, so a request is
recorded once whatever the middleware order.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from ormwatch._record._watch import watch
from ormwatch._report import Report

_request_report: ContextVar[Report | None] = ContextVar("ormwatch_request", default=None)


@contextmanager
def request_scope() -> Iterator[Report]:
    """The current request's report: started here if none is open, else joined."""
    current = _request_report.get()
    if current is not None:
        yield current
        return
    with watch() as report:
        token = _request_report.set(report)
        try:
            yield report
        finally:
            _request_report.reset(token)


def current_request_report() -> Report | None:
    """The report of the request being served in this context, if any."""
    return _request_report.get()
