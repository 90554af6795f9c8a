"""The view a statement ran under, when no line of the user's code is on the stack.

Two such moments: a ``TemplateResponse`` rendering after its view returned
(class-based views), read from the ``SimpleTemplateResponse.render`` frame; and
library code running the queries inside the view (a serializer, a generic
view's own code), read from Django's handler frame, whose ``callback`` is the
resolved view. The view then stands in as the call site, and
``ormwatch._fix._view_origin`` finds where it builds its queryset.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from types import FrameType
from typing import Any

from ormwatch._query import CallSite
from ormwatch._stack import _callsite


def of_response(frame: FrameType) -> Any:
    """The view's class (class-based views) or function, or None."""
    response = frame.f_locals.get("self")
    data = getattr(response, "context_data", None)
    view = data.get("view") if isinstance(data, dict) else None
    if view is not None and not isinstance(view, type):
        return type(view)
    match = getattr(getattr(response, "_request", None), "resolver_match", None)
    return _plain(getattr(match, "func", None))


def of_handler(frame: FrameType) -> Any:
    """The view ``BaseHandler._get_response(_async)`` resolved, or None."""
    return _plain(frame.f_locals.get("callback"))


def of_dispatch(frame: FrameType) -> Any:
    """The class of the view whose ``View.dispatch`` frame this is."""
    instance = frame.f_locals.get("self")
    return type(instance) if instance is not None else None


def _plain(callback: Any) -> Any:
    # as_view() functions name their class; decorators (functools.wraps) their function.
    if callback is None:
        return None
    # Django's as_view() sets view_class; REST framework's viewsets set cls.
    for attr in ("view_class", "cls"):
        view_class = getattr(callback, attr, None)
        if isinstance(view_class, type):
            return view_class
    view = callback
    for _ in range(50):  # inspect.unwrap(), stopping at a bound method
        owner = getattr(view, "__self__", None)
        if inspect.ismethod(view) and owner is not None and not isinstance(owner, type):
            return type(owner)  # a ModelAdmin's changelist_view: the user's ModelAdmin
        inner = getattr(view, "__wrapped__", None)
        if inner is None:
            break
        view = inner
    return view


def site(view: Any) -> CallSite | None:
    """The line that defines ``view`` when it is the user's code, else None."""
    if view is None:
        return None
    try:
        return _definition(view)
    except TypeError:  # unhashable: not a function or a class
        return None


def clear() -> None:
    """Forget the sites: which files are the user's depends on the settings."""
    _definition.cache_clear()


DEFINITIONS = ("class ", "def ", "async def ")  # how a definition line starts
Source = tuple[str, int, tuple[str, ...], str]  # path, first line, lines, qualified name


@functools.lru_cache(maxsize=256)
def source(obj: Any) -> Source | None:
    """The source of a function or class. Cached: both live as long as the process."""
    try:
        text, first = inspect.getsourcelines(obj)
        path = inspect.getsourcefile(obj)
    except (OSError, TypeError):
        return None
    if path is None:
        return None
    return (
        path,
        first,
        tuple(text),
        str(getattr(obj, "__qualname__", getattr(obj, "__name__", "?"))),
    )


def first_line(found: Source | None, match: Callable[[str], bool]) -> CallSite | None:
    """The first line of ``found`` that ``match`` accepts (stripped), as a CallSite."""
    if found is None:
        return None
    path, first, text, name = found
    for offset, raw in enumerate(text):
        line = raw.strip()
        if match(line):
            return CallSite(path, first + offset, name, line, "python")
    return None


@functools.lru_cache(maxsize=1024)  # views of one process: a few hundred at most
def _definition(view: Any) -> CallSite | None:
    found = source(view)
    if found is None or not _callsite.is_user_file(found[0]):
        return None
    # Past any decorators.
    return first_line(found, lambda line: line.startswith(DEFINITIONS))
