"""Where a view builds its queryset, when no line of it is on the stack.

A class-based view returns a ``TemplateResponse`` that Django renders after the
view has returned: the template line that runs the queries is known, but no
frame says where the queryset came from. The view's class does: the first of
its own classes (not Django's) that defines ``get_queryset()``, ``queryset``
or ``model``. A function view that returned a ``TemplateResponse`` is searched
for the line that builds ``Model.objects``. A ``ModelAdmin``'s rows are loaded
by its ``list_select_related`` or ``get_queryset()``.
"""

from __future__ import annotations

import inspect
from typing import Any

from ormwatch._fix import _compose, _source
from ormwatch._query import CallSite
from ormwatch._stack import _callsite, _viewsite


def builder(view: Any, model_name: str) -> CallSite | None:
    """The line of ``view`` that sets or builds the queryset of ``model_name``."""
    if view is None:
        return None
    anchor = f"{model_name}.objects"
    cls = view if isinstance(view, type) else None
    if cls is None:  # a function view, already unwrapped by _stack._viewsite
        return _in_function(view, anchor, None) if callable(view) else None
    if is_admin(cls):
        return _admin_line(cls, prefetch=False)
    for klass in _own_classes(cls):
        own = vars(klass)
        if not any(name in own for name in ("get_queryset", "queryset", "model")):
            continue
        if "get_queryset" in own:
            return _in_function(own["get_queryset"], anchor, "return")
        return _attribute(klass, "queryset" if "queryset" in own else "model")
    return None


def is_admin(view: Any) -> bool:
    """Whether ``view`` is a ``ModelAdmin`` class (without importing the admin)."""
    return isinstance(view, type) and any(
        k.__name__ == "BaseModelAdmin" and k.__module__ == "django.contrib.admin.options"
        for k in view.__mro__
    )


def admin_fix(
    cls: type, selects: tuple[str, ...], prefetches: tuple[str, ...]
) -> tuple[CallSite | None, str]:
    """Where and what a ``ModelAdmin`` writes to load relations with its changelist's rows."""
    origin = _admin_line(cls, prefetch=bool(prefetches))
    if prefetches:
        chain = f".prefetch_related({_compose.quoted(prefetches)})"
        if selects:
            chain = f".select_related({_compose.quoted(selects)})" + chain
        return (
            origin,
            f"def get_queryset(self, request):\n    return super().get_queryset(request){chain}",
        )
    paths = list(selects)
    code = origin.code if origin is not None else ""
    if code.startswith("list_select_related") and "=" in code:
        kept = _source.literal(code.split("=", 1)[1].strip())
        if isinstance(kept, (list, tuple)):
            paths = [*(str(p) for p in kept if str(p) not in paths), *paths]
    return origin, f"list_select_related = [{_compose.quoted(paths)}]"


def _admin_line(cls: type, prefetch: bool) -> CallSite | None:
    """Where a ``ModelAdmin`` loads its rows' relations: ``list_select_related``
    (joins only), else its ``get_queryset()``, else the class line."""
    for klass in _own_classes(cls):
        own = vars(klass)
        if "list_select_related" in own and not prefetch:
            return _attribute(klass, "list_select_related")
        if "get_queryset" in own:
            return _in_function(own["get_queryset"], "get_queryset(", "return")
    return _viewsite.site(cls)


def _in_function(function: Any, anchor: str, fallback: str | None) -> CallSite | None:
    found = _viewsite.source(function)
    line = _viewsite.first_line(found, lambda line: anchor in line)
    if line is None and fallback is not None:
        line = _viewsite.first_line(found, lambda line: line.startswith(f"{fallback} "))
    return line


def _attribute(klass: type, name: str) -> CallSite | None:
    return _viewsite.first_line(
        _viewsite.source(klass), lambda line: line.startswith((f"{name} =", f"{name}:"))
    )


def _own_classes(cls: type) -> list[type]:
    """``cls`` and its bases that are the user's code, not Django's or a library's."""
    return [
        klass
        for klass in cls.__mro__
        if _callsite.is_user_file(getattr(inspect.getmodule(klass), "__file__", "") or "")
    ]
