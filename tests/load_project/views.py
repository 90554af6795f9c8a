"""The load test's own pages: statements from worker threads inside a view, live objects."""

from __future__ import annotations

import gc
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextvars import copy_context

from blog.models import Post
from django.http import HttpRequest, HttpResponse, JsonResponse

# One pool for the process, as an application would keep it.
POOL = ThreadPoolExecutor(2, thread_name_prefix="load-view")


def _count(title: str) -> int:
    count: int = Post.objects.filter(title=title).count()
    return count


def threads(request: HttpRequest) -> HttpResponse:
    """One statement in a thread given the request's context, one in a thread without.

    The first is the request's (``thread-<marker>``); the second belongs to no
    request (``stray-<marker>``) and must be recorded nowhere.
    """
    marker = getattr(request, "load_marker", "none")
    attributed = POOL.submit(copy_context().run, _count, f"thread-{marker}")
    stray = POOL.submit(_count, f"stray-{marker}")
    counts = (attributed.result(timeout=30), stray.result(timeout=30))
    return HttpResponse(f"<html><body><p>threads: {counts}</p></body></html>")


def objects(request: HttpRequest) -> JsonResponse:
    """Live objects after a full collection, the ten most common types first.

    Resident memory moves with the allocator; a leak of reports, queries or
    frames shows here as a count that grows with the number of requests.
    """
    gc.collect()
    live = gc.get_objects()
    types = Counter(type(o).__qualname__ for o in live)
    return JsonResponse({"objects": len(live), "types": dict(types.most_common(10))})
