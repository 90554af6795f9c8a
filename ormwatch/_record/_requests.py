"""Request boundaries and statuses on the recordings' clocks, for ``unused_eager_load``.

A test that makes requests with the test client is recorded as one block;
which statements and reads belong to which request, and whether it was
answered with an error, comes from Django's ``request_started`` and
``request_finished`` signals (the test client sends both, around each
request). ``request_finished`` carries no response: it is sent from the
response's ``close()``, whose frame holds it. The middleware and the toolbar
panel, which analyse before ``close()``, say the status themselves
(``answered``).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from types import FrameType
from typing import Any

from ormwatch import _failsafe
from ormwatch._query import Query, RelationUse
from ormwatch._query._uses import tick
from ormwatch._record._active import active


def started(**kwargs: Any) -> None:
    recordings = active.get()
    if recordings:
        at = tick()
        for recording in recordings:
            recording.relation_use.started(at)


def finished(**kwargs: Any) -> None:
    recordings = active.get()
    if not recordings:
        return
    try:
        status = _status(sys._getframe(1))
        at = tick()
        for recording in recordings:
            recording.relation_use.finished(at, status)
    except Exception as exc:  # fail-open: closing the response is the user's
        _failsafe.swallow("noting a request's end", exc)


def answered(queries: Iterable[Query], response: Any) -> None:
    """The status of the request ``queries`` ran in, on the map their analysis reads.

    Called before the recording ends: a ``watch()`` block analyses as it closes.
    """
    try:
        status = int(getattr(response, "status_code", 0) or 0)
        for query in queries:
            use = query.orm.relation_use
            if isinstance(use, RelationUse):
                use.answered(status)
                return
    except Exception as exc:  # fail-open: the response is the user's
        _failsafe.swallow("noting a response's status", exc)


def _status(frame: FrameType | None) -> int:
    # receiver <- Signal.send <- HttpResponseBase.close: a few frames out.
    from django.http.response import HttpResponseBase

    for _ in range(6):
        if frame is None:
            break
        response = frame.f_locals.get("self")
        if isinstance(response, HttpResponseBase):
            return int(response.status_code)
        frame = frame.f_back
    return 0
