"""What the ORM was doing when a statement ran: its context and its shape."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Relation:
    """A model relation as the user's code names it: ``blog.Post.category``.

    ``kind`` is one of ``forward_fk``, ``forward_o2o``, ``reverse_o2o``,
    ``reverse_fk``, ``m2m``, ``reverse_m2m``, ``generic_fk``,
    ``generic_relation`` or ``deferred`` (a deferred concrete field).
    """

    model: str
    field: str
    kind: str
    related_model: str | None = None

    @property
    def multi_valued(self) -> bool:
        return self.kind in {"reverse_fk", "m2m", "reverse_m2m", "generic_relation"}

    def __str__(self) -> str:
        return f"{self.model}.{self.field}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "field": self.field,
            "kind": self.kind,
            "related_model": self.related_model,
        }


@dataclass(frozen=True, slots=True)
class JoinedRelation:
    """One relation the main query joins, named the way lookups name it.

    A many-to-many hop is one entry with
    both of its tables, and a many-to-many through an explicit model is named
    by the field (``banning``), not by the through model's foreign key.
    ``aliases`` / ``tables`` are its SQL aliases, through table first (Django
    may have trimmed the last one from the SQL when only its key is tested).
    ``uses`` says what the query does with the relation: ``where``,
    ``or`` (inside an OR), ``select``, ``aggregate`` (a non-distinct
    aggregate), ``order_by``, ``select_related``, ``filtered_relation``.
    ``conditions`` are the WHERE lookups on it, relative to ``model``
    (``title__contains``; ``pk`` for a condition on the through table's key).
    ``via`` is the alias it is joined from: two ``filter()`` calls across one
    multi-valued relation join it twice, on the same path but not the same
    branch.
    """

    path: str
    model: str
    aliases: tuple[str, ...]
    tables: tuple[str, ...]
    multi_valued: bool
    outer: bool
    uses: tuple[str, ...] = ()
    conditions: tuple[str, ...] = ()
    via: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "model": self.model,
            "aliases": list(self.aliases),
            "tables": list(self.tables),
            "multi_valued": self.multi_valued,
            "outer": self.outer,
            "uses": list(self.uses),
            "conditions": list(self.conditions),
            "via": self.via,
        }


@dataclass(frozen=True, slots=True)
class ImplicitSubquery:
    """A subquery Django wrote although the user did not ask for one.

    ``kind`` is ``in_queryset`` (a lazy QuerySet passed to a lookup, usually
    ``__in``) or ``exclude`` (``exclude()`` / ``~Q()`` across a multi-valued
    relation, compiled to ``NOT EXISTS``). ``relation`` is the path from the
    main model (the lookup's left side, or the multi-valued relation);
    ``model`` the subquery's model (for ``exclude``, the related model);
    ``table`` the table it selects from; ``conditions`` its WHERE lookups
    relative to ``model``. ``joinable``: the left side is a foreign key to
    ``model``'s primary key, so a join can replace the subquery.
    """

    kind: str
    lookup: str
    relation: str
    model: str
    table: str
    conditions: tuple[str, ...] = ()
    joinable: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "lookup": self.lookup,
            "relation": self.relation,
            "model": self.model,
            "table": self.table,
            "conditions": list(self.conditions),
            "joinable": self.joinable,
        }


# Not frozen: one is built per recorded statement, and a frozen dataclass's
# __init__ (object.__setattr__ per field) costs three times as much. Treat
# it as read-only all the same.
@dataclass(slots=True)
class OrmContext:
    """What the ORM was doing when a statement ran, read from the frames.

    ``kind``: ``query`` (a QuerySet evaluated by user code), ``lazy_load`` (a
    relation descriptor fetching one related object), ``deferred_load``,
    ``prefetch``, ``related_manager`` (a query through ``obj.rel.<method>``),
    ``write``, ``raw`` or ``other`` (SQL run through a cursor, or by Django
    itself with no ORM call around it).

    ``method`` is the outermost ORM call the user made (``iterate``, ``len``,
    ``bool``, ``get``, ``first``, ``count``, ``exists``, ``save``, ...);
    ``chain`` lists every ORM call found on the stack, outermost first.

    ``prefetch_querysets`` are the ``prefetch_related`` lookups given as
    ``Prefetch(..., queryset=...)``.

    The shape of the compiled statement (read only when it has a join or a
    subquery): ``distinct``, ``grouped`` (GROUP BY), ``joined`` and
    ``subqueries``. ``relation_use`` is set on statements that eager-load
    (``select_related`` / ``prefetch_related``): the live map of
    ``"app.Model.relation"`` keys to flags (1: select_related filled it,
    2: user code read it) of the outermost recording, which keeps filling
    while the recording runs (a ``RelationUse``, which also says when each
    relation was read); None when reads are not tracked.

    ``library_caller``: library code (not the user's, not a template engine's)
    called the QuerySet method that ran the statement, as ``ModelBackend``
    reads the permissions it built.
    """

    kind: str = "other"
    method: str | None = None
    chain: tuple[str, ...] = ()
    model: str | None = None
    relation: Relation | None = None
    instance_pk: Any = None
    prefetch_lookup: str | None = None
    prefetched: bool = False
    batched: bool = False
    write: str | None = None
    values: bool = False
    select_related: tuple[str, ...] = ()
    prefetch_related: tuple[str, ...] = ()
    only: tuple[str, ...] = ()
    defer: tuple[str, ...] = ()
    prefetch_querysets: tuple[str, ...] = ()
    distinct: bool = False
    grouped: bool = False
    joined: tuple[JoinedRelation, ...] = ()
    subqueries: tuple[ImplicitSubquery, ...] = ()
    library_caller: bool = False
    relation_use: Mapping[str, int] | None = field(default=None, compare=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "method": self.method,
            "chain": list(self.chain),
            "model": self.model,
            "relation": self.relation.to_dict() if self.relation else None,
            "instance_pk": _plain(self.instance_pk),
            "prefetch_lookup": self.prefetch_lookup,
            "prefetched": self.prefetched,
            "batched": self.batched,
            "write": self.write,
            "values": self.values,
            "select_related": list(self.select_related),
            "prefetch_related": list(self.prefetch_related),
            "only": list(self.only),
            "defer": list(self.defer),
            "prefetch_querysets": list(self.prefetch_querysets),
            "distinct": self.distinct,
            "grouped": self.grouped,
            "joined": [j.to_dict() for j in self.joined],
            "subqueries": [s.to_dict() for s in self.subqueries],
            "library_caller": self.library_caller,
            "relation_use": (
                None if self.relation_use is None else dict(sorted(dict(self.relation_use).items()))
            ),
        }


EMPTY_CONTEXT = OrmContext()


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)
