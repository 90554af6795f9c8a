"""A stand-in for a REST framework: a list view that serializes its queryset by
dotted field sources, as serializers do. tests/test_view_origin.py marks this
file as library code (``LIBRARY_PATHS``), so no user frame runs the queries."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.views import View


class SerializingListView(View):
    queryset: Any = None
    model: Any = None
    fields: tuple[str, ...] = ()

    def get_queryset(self) -> Any:
        if self.queryset is not None:
            return self.queryset.all()
        return self.model._default_manager.all()

    def get(self, request: HttpRequest) -> HttpResponse:
        return HttpResponse(json.dumps([self.row(obj) for obj in self.get_queryset()]))

    def row(self, obj: Any) -> dict[str, str]:
        row = {}
        for source in self.fields:
            value = obj
            for part in source.split("."):
                value = getattr(value, part)
            row[source] = str(value)
        return row


class SerializingViewSet(SerializingListView):
    """As REST framework's viewsets: a dispatch() of its own, and an as_view()
    whose function carries the class as ``cls`` (not Django's ``view_class``)."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.get(request)

    @classmethod
    def as_viewset(cls) -> Any:
        def view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            self = cls()
            self.setup(request, *args, **kwargs)
            return self.dispatch(request, *args, **kwargs)

        view.cls = cls  # type: ignore[attr-defined]
        return view


def _posts() -> Any:
    from tests.testapp.models import Post

    return Post.objects.order_by("pk")


# A view that is library code itself (as an admin or a third-party app's view).
serializing_view = SerializingListView.as_view(queryset=_posts(), fields=("category.name",))


def serve(environ: dict[str, Any], start_response: Any) -> bytes:
    """Serve one request the way a WSGI server's worker thread does, then close
    the thread's connections (tests/test_view_origin.py: nothing of the user's
    is on this stack)."""
    from django.core.handlers.wsgi import WSGIHandler

    from tests.conftest import close_thread_connections

    try:
        response = WSGIHandler()(environ, start_response)
        try:
            return b"".join(response)
        finally:
            response.close()
    finally:
        close_thread_connections()
