"""The view behind a ``TemplateResponse`` that renders after the view returned.

Read from the ``SimpleTemplateResponse.render`` frame: a class-based view puts
itself in the context as ``view`` (``ContextMixin``); otherwise the request
the response keeps says which view Django resolved.
"""

from __future__ import annotations

from types import FrameType
from typing import Any


def of_response(frame: FrameType) -> Any:
    """The view's class (class-based views) or function, or None."""
    response = frame.f_locals.get("self")
    data = getattr(response, "context_data", None)
    view = data.get("view") if isinstance(data, dict) else None
    if view is not None and not isinstance(view, type):
        return type(view)
    match = getattr(getattr(response, "_request", None), "resolver_match", None)
    func = getattr(match, "func", None)
    return getattr(func, "view_class", func)
