"""``QueryCountMiddleware``: each page shows how many SQL statements it ran.

The count must include what a template runs while it renders (an N+1 in a
``{% for %}`` loop), so it cannot be put in the template's context: the page
holds the placeholders below, and this middleware fills them in once the
response is complete. It counts with Django's ``connection.execute_wrapper()``,
independently of ormwatch, and also sends the count as ``X-Query-Count``.

Sync only: under runserver (WSGI) an async view's ORM calls run back in the
request's thread, on the connection this wrapper is installed on.
"""

from __future__ import annotations

from collections.abc import Callable
from time import perf_counter
from typing import Any

from django.db import connection
from django.http import HttpRequest, HttpResponse

COUNT = b"<!--query-count-->"
MILLISECONDS = b"<!--query-ms-->"


class QueryCounter:
    """An ``execute_wrapper`` that counts and times the statements run through it."""

    def __init__(self) -> None:
        self.count = 0
        self.seconds = 0.0

    def __call__(
        self,
        execute: Callable[..., Any],
        sql: str,
        params: Any,
        many: bool,
        context: dict[str, Any],
    ) -> Any:
        start = perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.count += 1
            self.seconds += perf_counter() - start


class QueryCountMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        counter = QueryCounter()
        with connection.execute_wrapper(counter):
            response = self.get_response(request)
        response["X-Query-Count"] = str(counter.count)
        if not response.streaming and COUNT in response.content:
            queries = f"{counter.count} quer{'y' if counter.count == 1 else 'ies'}"
            milliseconds = f"{counter.seconds * 1000:.1f}"
            content = response.content.replace(COUNT, queries.encode())
            response.content = content.replace(MILLISECONDS, milliseconds.encode())
        return response
