"""Which eager-loaded relations were filled and read, for ``unused_eager_load``.

Django has no hook for "a related object was read": the only place that sees
it is the relation descriptor's ``__get__``, and the only place that sees a
``select_related`` object being filled is ``RelatedPopulator.populate``. This
module is the one place ormwatch patches Django, wrapping exactly those (as
nplusone and django-zeal do). The wrappers:

- are installed once, idempotently, the first time a recording sees a query
  that eager-loads (never at import);
- cost one ``ContextVar.get()`` when no recording is active;
- call the original with the same arguments and return (or raise) exactly
  what it does: the note is taken before the call and swallowed on error.

A note is a flag on ``"app.Model.relation"`` in the outermost active
recording's ``relation_use``: one key per relation, so it stays small.
Reads Django makes itself (walking prefetch levels, ``save()`` checking
cached relations) are not the user's and are skipped by their caller's code.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from ormwatch import _failsafe
from ormwatch._introspect import _relations
from ormwatch._record._active import active

if TYPE_CHECKING:
    from ormwatch._query import RelationUse
    from ormwatch._record._recording import Recording

LOADED, READ = 1, 2
MAX_KEYS = 4096

_state: bool | None = None  # None: not tried; False: Django changed, tracking off
# ids of Django's own callers' code objects (module-level functions, alive for
# good): hashing a code object itself is slow, and this is checked per read.
_internal: frozenset[int] = frozenset()
_keys: dict[tuple[type, Any], str | None] = {}


def install() -> bool:
    """Wrap the descriptors once; False when this Django lacks one of them."""
    global _state, _internal
    if _state is None:
        try:
            _internal = _django_internal_callers()
            for owner in _descriptor_owners():
                _wrap(owner, "__get__", _tracking_get)
            from django.db.models.query import RelatedPopulator

            _wrap(RelatedPopulator, "populate", _tracking_populate)
            _state = True
        except Exception as exc:  # a renamed Django internal: no tracking, no findings
            _failsafe.swallow("tracking relation reads", exc)
            _state = False
    return _state


def current() -> RelationUse | None:
    """The map reads are noted in for the statement being recorded, if tracking works."""
    if not install():
        return None
    recordings = active.get()
    return recordings[0].relation_use if recordings else None


def key(model: Any, name: str) -> str:
    return f"{_relations.label(model._meta.concrete_model)}.{name}"


def _descriptor_owners() -> list[type]:
    from django.db.models.fields import related_descriptors as rd

    owners: list[type] = [
        rd.ForwardManyToOneDescriptor,  # FK and forward one-to-one
        rd.ReverseOneToOneDescriptor,
        rd.ReverseManyToOneDescriptor,  # reverse FK, many-to-many, generic relations
    ]
    try:
        from django.contrib.contenttypes import fields as generic
    except ImportError:  # contenttypes not importable: no generic foreign keys
        return owners
    # Django 6.1 moved GenericForeignKey.__get__ to a descriptor class.
    owners.append(getattr(generic, "GenericForeignKeyDescriptor", generic.GenericForeignKey))
    return owners


def _django_internal_callers() -> frozenset[int]:
    from django.db.models import Model, query

    functions: list[Any] = [
        query.prefetch_related_objects,
        query.get_prefetcher,
        query.prefetch_one_level,
        Model._prepare_related_fields_for_save,
    ]
    return frozenset(id(f.__code__) for f in functions)


def _wrap(owner: type, name: str, make: Callable[[Any], Any]) -> None:
    original = vars(owner)[name]
    if getattr(original, "_ormwatch", False):
        return
    wrapper = functools.wraps(original)(make(original))
    wrapper._ormwatch = True  # type: ignore[attr-defined]
    setattr(owner, name, wrapper)


def _tracking_get(original: Callable[..., Any]) -> Callable[..., Any]:
    def __get__(self: Any, instance: Any, cls: Any = None) -> Any:
        if instance is not None:
            recordings = active.get()
            if recordings:
                _note(recordings, (type(instance), self), READ, id(sys._getframe(1).f_code))
        return original(self, instance, cls)

    return __get__


def _tracking_populate(original: Callable[..., Any]) -> Callable[..., Any]:
    def populate(self: Any, row: Any, from_obj: Any) -> Any:
        # Noted after the call: whether it filled a related row is known only then.
        result = original(self, row, from_obj)
        recordings = active.get()
        if recordings:
            setter = getattr(self.local_setter, "__self__", None)
            filled = _filled(setter, from_obj)
            _note(recordings, (type(from_obj), setter), LOADED, 0, count=int(filled))
        return result

    return populate


def _filled(field: Any, obj: Any) -> bool:
    try:
        return field.get_cached_value(obj, None) is not None
    except Exception:  # not a model field's cache: count nothing
        return False


def loaded(model: type, name: str, count: int) -> None:
    """Note that the statement being recorded prefetches ``name`` for ``count`` objects."""
    use = current()
    if use is not None:
        try:
            use.note_load(key(model, name), count)
        except Exception as exc:  # fail-open
            _failsafe.swallow("noting a prefetch", exc)


def _note(
    recordings: Sequence[Recording],
    cache_key: tuple[type, Any],
    flag: int,
    caller: int,
    count: int = 0,
) -> None:
    try:
        if caller in _internal:
            return
        name = _keys.get(cache_key, "")
        if name == "":
            name = _keys[cache_key] = _name(*cache_key, descriptor=flag == READ)
        if name is None:
            return
        for recording in recordings:
            use = recording.relation_use
            if name in use:
                use[name] |= flag
            elif len(use) < MAX_KEYS:
                use[name] = flag
            else:
                continue
            if flag == READ:
                use.note_read(name)
            elif count:
                use.note_load(name, count)
    except Exception as exc:  # fail-open: the read itself is the user's
        _failsafe.swallow("noting a relation read", exc)


def _name(model: type, owner: Any, descriptor: bool) -> str | None:
    """``app.Model.attr`` for a descriptor (by where it sits on the class) or a field."""
    if owner is None:  # a FilteredRelation's select_related: not a model relation
        return None
    if not descriptor:
        return key(model, _relations.accessor(owner))
    for klass in model.__mro__:
        for attr, value in vars(klass).items():
            if value is owner:
                return key(model, attr)
    return None
