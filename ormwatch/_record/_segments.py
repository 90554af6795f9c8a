"""Request segments: each request a test makes is recorded apart from the test body.

A test recording (the pytest plugin, ``OrmWatchTestMixin``, a ``watch()``
block around test-client calls) holds the statements of every request the
test makes and of the test body between them. The middleware sees one request
at a time; a test recording must not find a "duplicate" in two requests that
load the same user, or an "N+1" in three POSTs that each create one row. So
every statement carries the segment it ran in (``Query.segment``), and the
detectors that group statements (N+1, duplicates, repeated writes) group
within a segment only.

Django's test client sends ``request_started`` before the handler runs and
``request_finished`` when the response is closed (after its content has been
read, for a streaming response): both start a new segment of every open
recording, so the body before, the request, and the body after are three
segments. The recordings are changed in place, not through the ``active``
ContextVar: ``AsyncClient`` sends the signals from a worker thread that runs
in a copy of the test's context. A real server sends them too, before and
after the middleware's own recording exists, so they cost one ContextVar read
per request there.

A view called directly with a ``RequestFactory`` request sends no signal: its
statements share the segment of the test body around them (docs/testing.md).
"""

from __future__ import annotations

from typing import Any

from ormwatch import _failsafe
from ormwatch._record._active import active


def new_segment(sender: Any = None, **kwargs: Any) -> None:
    """Start a new segment in every recording open in this context."""
    try:
        for recording in active.get():
            recording.segment += 1
    except Exception as exc:  # a receiver that raises would fail the request
        _failsafe.swallow("starting a request segment", exc)


def connect() -> None:
    from django.core.signals import request_finished, request_started

    request_started.connect(new_segment, dispatch_uid="ormwatch.segments.started")
    request_finished.connect(new_segment, dispatch_uid="ormwatch.segments.finished")
