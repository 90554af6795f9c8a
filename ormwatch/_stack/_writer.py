"""Who wrote a row: the user's line, or library code that line called.

A repeated write is the user's own code calling ``save()``, ``create()``,
``delete()`` or ``update()`` once per object. One call of a library API can
write several rows too: ``client.login()`` creates a session and rotates it,
a reverse foreign key's ``set(..., bulk=False)`` saves each object, a cascade
deletes the related rows, a library's signal handler writes its own rows.
Those rows are not the line's writes, and ``bulk_create`` at that line would
be nonsense. This walk tells them apart, for write statements only (reads
never pay for it):

- From the statement outwards, every frame between the first (innermost)
  ORM write method and the first user frame must be another ORM method, a
  manager's or related manager's proxy for one (``Book.objects.create``,
  ``author.book_set.create``), a library override of the same method on the
  same object (a base model's ``save()`` calling ``super().save()``), or the
  deletion collector. Anything else (``Client.login``, ``Signal.send``, a
  related manager's ``set``) is library code that chose to write.
- The statement's model must be the model the outermost method was called on
  (concrete models compared): a cascade deletes other models' rows, and a
  multi-table child's ``save()`` writes its parent's table as well.

It also counts how many callers outwards from the call site are user frames
that called the frame before them directly: a ``create()`` in a helper
called from a user's loop repeats because of that loop, one in a signal
handler repeats because Django called the handler again.
"""

from __future__ import annotations

import functools
import os
from types import FrameType
from typing import Any

from ormwatch._stack import _asyncsite, _callsite
from ormwatch._stack import _roles as r

_VERBS = (r.QUERYSET, r.MODEL)
# Names of the methods that only pass a write on: Django's manager proxy
# (``manager_method``), related managers' create-likes, overrides of the verbs.
_PASSING = frozenset(
    {
        "manager_method",
        "save",
        "asave",
        "delete",
        "adelete",
        "create",
        "acreate",
        "update",
        "aupdate",
        "get_or_create",
        "aget_or_create",
        "update_or_create",
        "aupdate_or_create",
    }
)


@functools.cache
def _django_model_files() -> tuple[str, ...]:
    import django.db.models

    models = os.path.dirname(django.db.models.__file__) + os.sep
    contrib = os.path.join(os.path.dirname(os.path.dirname(models)), "contrib", "contenttypes")
    return (models, os.path.join(contrib, "fields.py"))


def written_by(frame: FrameType | None, depth: int) -> tuple[str | None, int]:
    """(the library function that wrote the row or None, the direct user callers).

    ``None`` when the user's line called the write method itself.
    """
    table = r.roles()
    library: str | None = None
    verb_self: Any = None  # the self of the latest (outermost so far) write method
    model: Any = None  # the model the statement wrote
    awaiting: list[FrameType] | None = None
    f = frame
    while f is not None:
        code = f.f_code
        role = table.get(id(code))
        if role is not None:
            kind = role[0]
            if kind in _VERBS:
                verb_self = f.f_locals.get("self")
            elif kind == r.COMPILER:
                if model is None:
                    model = getattr(getattr(f.f_locals.get("self"), "query", None), "model", None)
            elif kind == r.SYNC_TO_ASYNC:
                awaiting = _asyncsite.awaiting_frames(f)[::-1] or None
                if awaiting is None:
                    return library or "sync_to_async", 0
            elif kind == r.HANDLER:  # no line of the user's: library code inside the view
                return library or "the view's library code", 0
            elif kind != r.CASCADE and verb_self is not None:
                library = role[1]
        elif _callsite.code_kind(code, f) != _callsite.LIBRARY:
            if library is None and _other_model(verb_self, model):
                library = "a cascade or parent table"
            return library, _direct_callers(f.f_back, awaiting, depth)
        elif verb_self is not None and not _passes(f, verb_self):
            library = getattr(code, "co_qualname", code.co_name)
        if awaiting is not None:
            if not awaiting:
                break
            f = awaiting.pop()
        else:
            f = f.f_back
    return library or "no user code", 0


def _passes(frame: FrameType, verb_self: Any) -> bool:
    """A frame that only hands the write on (a proxy or an override of the same method)."""
    code = frame.f_code
    if code.co_name not in _PASSING:
        return False
    if code.co_filename.startswith(_django_model_files()):
        return True
    return frame.f_locals.get("self") is verb_self


def _concrete(model: Any) -> Any:
    meta = getattr(model, "_meta", None)
    return getattr(meta, "concrete_model", model)


def _other_model(verb_self: Any, model: Any) -> bool:
    if verb_self is None or model is None:
        return False
    from django.db.models import Model

    # A model instance is one; a queryset knows its model.
    owner = type(verb_self) if isinstance(verb_self, Model) else getattr(verb_self, "model", None)
    return _concrete(owner) is not _concrete(model)


def _direct_callers(f: FrameType | None, awaiting: list[FrameType] | None, depth: int) -> int:
    count = 0
    while count < depth:
        if awaiting is not None:
            f = awaiting.pop() if awaiting else None
        if f is None or _callsite.code_kind(f.f_code, f) == _callsite.LIBRARY:
            break
        count += 1
        if awaiting is None:
            f = f.f_back
    return count
