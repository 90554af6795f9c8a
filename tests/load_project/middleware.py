"""``MarkerMiddleware``: tag each request's statements, and report what was recorded.

A request for ``/m/<32 hex digits>/<page>`` is served as ``/<page>`` with that
marker (``request.path``, and so ormwatch's log label, keeps the prefix). Inside
ormwatch's recording it runs ``SELECT %s, %s`` with ``"marker-<hex>"`` before and
after the page, then sends every marker-like parameter the request's report
holds as ``X-Load-Params`` (JSON) and its statement count (bookkeeping
excluded) as ``X-Load-Queries``. If recordings leaked between concurrent requests, another
request's marker, or a count different from the page's, would show here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from django.db import connection
from django.http import HttpRequest, HttpResponse

from ormwatch._record import current_request_report

MARKED = re.compile(r"^/m/(?P<marker>[0-9a-f]{32})(?P<rest>/.*)$")
# Parameters the load pages tag with a request's marker.
TAGS = ("marker-", "thread-", "stray-")


def mark(marker: str, where: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s, %s", [f"marker-{marker}", where])


class MarkerMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        match = MARKED.match(request.path_info)
        if match is None:
            return self.get_response(request)
        request.path_info = match["rest"]
        request.load_marker = match["marker"]  # type: ignore[attr-defined]
        # Two different statements: the same one twice would be a duplicate_query.
        mark(match["marker"], "before")
        response = self.get_response(request)
        mark(match["marker"], "after")
        report = current_request_report()
        if report is not None:
            params = [
                p
                for q in report.queries
                for p in (q.params if isinstance(q.params, list) else [])
                if isinstance(p, str) and p.startswith(TAGS)
            ]
            response["X-Load-Params"] = json.dumps(params)
            # Without bookkeeping: MariaDB's connection set-up runs only on a new connection.
            statements = [q for q in report.queries if not q.is_transaction]
            response["X-Load-Queries"] = str(len(statements))
        return response
