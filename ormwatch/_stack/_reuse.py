"""When a statement's ``OrmContext`` can be reused from an earlier one.

An N+1 or a loop of lookups runs one statement text from one line hundreds of
times, and building its ``OrmContext`` afresh each time was a third of the
cost of recording it. A context can be shared when everything it holds is
fixed by what the key names: the statement text (model, joins, shape,
``select_related``, ``only``/``defer``), the call site and the chain of ORM
calls (the verb), and the parts of the QuerySet the text does not show (its
iterable class, for ``values()``, and its ``prefetch_related`` lookups).

Contexts that name an instance never are: lazy loads, deferred loads,
prefetches, Django 6.1's batched fetches, cascades, related-manager querysets
(an ``instance`` hint) and querysets on models a ``GenericRelation`` points
to (the owning object's id is read from the WHERE clause). The cache lives
on the outermost recording, like the ``relation_use`` map its contexts hold,
and is bounded.
"""

from __future__ import annotations

from typing import Any

from ormwatch._introspect import _relations
from ormwatch._query import CallSite
from ormwatch._stack import _roles as r

MAX_CONTEXTS = 1024

_PER_INSTANCE = frozenset(
    {r.FORWARD, r.REVERSE_O2O, r.DEFERRED, r.GENERIC_FK, r.PREFETCH, r.FETCH_MANY, r.CASCADE}
)


def key(hits: list[tuple[str, str, Any]], sql: str, site: CallSite) -> tuple[Any, ...] | None:
    """The key under which this statement's context may be shared, or None."""
    names = []
    queryset_frame = None
    for role, name, frame in hits:
        if role in _PER_INSTANCE:
            return None
        if role == r.QUERYSET:
            queryset_frame = frame
        names.append(name)
    if queryset_frame is None:
        return None
    queryset = queryset_frame.f_locals.get("self")
    if queryset is None or getattr(queryset, "_hints", None):
        return None
    # getattr: a QuerySet look-alike without these is simply not shared.
    model = getattr(queryset, "model", None)
    if model is None or _relations.generic_relations_to(model):
        return None
    lookups = getattr(queryset, "_prefetch_related_lookups", None)
    iterable = getattr(queryset, "_iterable_class", None)
    if lookups is None or iterable is None:
        return None
    if lookups:
        # Prefetch objects compare by path only; whether one has a queryset matters too.
        lookups = tuple(
            (getattr(x, "prefetch_to", x), getattr(x, "queryset", None) is not None)
            for x in lookups
        )
    # id(site): hashing the frozen CallSite costs more. The id stays the site's
    # own while the recording lives: the statement that filled the entry
    # holds the site in its Query.
    return (sql, id(site), tuple(names), iterable, lookups)
