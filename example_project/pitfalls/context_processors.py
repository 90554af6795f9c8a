"""Everything a pitfall page shows around its data: which pitfall it is, whether
this is the bad or the fixed version, the link to its twin, and both views' source."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from pitfalls.registry import BY_URL_NAME


def pitfall(request: HttpRequest) -> dict[str, Any]:
    match = request.resolver_match
    found = BY_URL_NAME.get(match.url_name or "") if match is not None else None
    if found is None:
        return {}
    item, variant = found
    twin = "fixed" if variant == "bad" else "bad"
    return {
        "pitfall": item,
        "variant": variant,
        "twin": twin,
        "twin_url": reverse(f"{item.slug}-{twin}"),
        "view_source": source(item.bad if variant == "bad" else item.fixed),
        "twin_source": source(item.fixed if variant == "bad" else item.bad),
    }


@cache
def source(view: Callable[..., Any]) -> dict[str, Any]:
    """The view's code and where it is: ``example_project/blog/views.py:24``."""
    code = getattr(view, "view_class", view)  # a class-based view: its class
    lines, start = inspect.getsourcelines(code)
    path = Path(inspect.getfile(code)).relative_to(settings.BASE_DIR)
    return {"where": f"example_project/{path}:{start}", "code": "".join(lines)}
