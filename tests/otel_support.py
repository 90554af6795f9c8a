"""OpenTelemetry for the tests: an SDK tracer with an in-memory exporter, and a
middleware that opens the request span as an instrumentation library would.

The provider is never made the global one (that can be set once per process):
``trace.get_current_span()`` reads the span from the context, whichever
provider made it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.http import HttpRequest, HttpResponse
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

exporter = InMemorySpanExporter()
provider = TracerProvider()
provider.add_span_processor(SimpleSpanProcessor(exporter))
tracer = provider.get_tracer("tests.otel_support")


class SpanMiddleware:
    """Opens a SERVER span around the rest of the request, sync or async."""

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
        with tracer.start_as_current_span(f"{request.method} {request.path}", kind=SpanKind.SERVER):
            return self.get_response(request)

    async def __acall__(self, request: HttpRequest) -> HttpResponse:
        get_response: Callable[[HttpRequest], Awaitable[HttpResponse]] = self.get_response
        with tracer.start_as_current_span(f"{request.method} {request.path}", kind=SpanKind.SERVER):
            return await get_response(request)
