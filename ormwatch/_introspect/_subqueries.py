"""Subqueries in a compiled WHERE that Django wrote on its own.

Two shapes: a lazy QuerySet passed to a lookup (``blog__in=qs``) compiles to
``IN (SELECT ...)``, and ``exclude()`` / ``~Q()`` across a multi-valued
relation compiles to ``NOT EXISTS (SELECT ...)`` (``Query.split_exclude``).
What the user wrote (``Subquery``, ``Exists``, ``OuterRef``, and a subquery
that is itself a composition: ``union()``, ``RawSQL``, ``extra()``) is left
alone.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ormwatch._introspect import _relations
from ormwatch._introspect._paths import Hop, alias_paths, condition, m2m_hop
from ormwatch._introspect._where import column, lookups
from ormwatch._query import ImplicitSubquery


def implicit(query: Any) -> Iterator[ImplicitSubquery]:
    """Subqueries in this query's WHERE that the user did not write themselves.

    Only this level: a subquery nested inside another is reported (or not) by
    the shape of the one the user wrote.
    """
    from django.db.models.expressions import Exists
    from django.db.models.sql.query import Query

    paths: dict[str, Hop] | None = None
    for lookup, _, _ in lookups(query.where):
        rhs = getattr(lookup, "rhs", None)
        # Django 6.0+ unwraps an explicit Subquery() to its query, marked so.
        explicit = getattr(rhs, "contains_subquery", False) is True
        if isinstance(rhs, Query) and not explicit and not _correlated(rhs) and not written(rhs):
            if paths is None:
                paths = alias_paths(query, next(iter(query.alias_map)))
            found = _in_queryset(lookup, rhs, paths)
            if found is not None:
                yield found
            continue
        lhs = getattr(lookup, "lhs", None)
        lhs = getattr(lhs, "expression", lhs)  # ~Exists is NegatedExpression(Exists)
        if isinstance(lhs, Exists) and _split_exclude(query, lhs.query) and not written(lhs.query):
            found = _exclude(query, lhs.query)
            if found is not None:
                yield found


def composed_of_parts(query: Any) -> bool:
    """Whether ``query`` is a ``union()`` / ``intersection()`` / ``difference()``."""
    return bool(getattr(query, "combinator", None))


def written(query: Any) -> bool:
    """Whether the user wrote SQL into ``query``: a combinator, ``extra()`` or ``RawSQL``."""
    from django.db.models.expressions import RawSQL
    from django.db.models.sql.where import ExtraWhere

    if composed_of_parts(query) or getattr(query, "extra", None) or query.extra_tables:
        return True
    roots = [query.where, *getattr(query, "annotations", {}).values()]
    return any(n is _TOO_DEEP or isinstance(n, (RawSQL, ExtraWhere)) for n in _walk(roots))


def _correlated(inner: Any) -> bool:
    """Whether the user wrote OuterRef(): a column of the outer query in its WHERE."""
    own = set(inner.alias_map)
    for node in _walk(list(getattr(inner.where, "children", ()))):
        if node is _TOO_DEEP or type(node).__name__ in ("OuterRef", "ResolvedOuterRef"):
            return True
        alias = getattr(node, "alias", None)
        if isinstance(alias, str) and hasattr(node, "target") and alias not in own:
            return True
    return False


_TOO_DEEP = object()  # past 500 nodes: too deep to tell, so taken for the user's


def _walk(roots: list[Any]) -> Iterator[Any]:
    """The nodes of WHERE trees and expressions below ``roots``, then _TOO_DEEP past 500."""
    stack = list(roots)
    for _ in range(500):
        if not stack:
            return
        node = stack.pop()
        yield node
        stack.extend(getattr(node, "children", ()))
        for side in ("lhs", "rhs"):
            value = getattr(node, side, None)
            if value is not None and hasattr(value, "get_source_expressions"):
                stack.append(value)
        getter = getattr(node, "get_source_expressions", None)
        if getter is not None and not hasattr(node, "alias_map"):
            stack.extend(e for e in getter() if e is not None)
    yield _TOO_DEEP


def _split_exclude(outer: Any, inner: Any) -> bool:
    # Query.split_exclude() builds the NOT EXISTS from Query(outer model) and
    # trims its leading join, so the outer model's own table is left
    # unreferenced. A user's Exists(...) is built from a QuerySet, whose
    # base table is always referenced.
    if inner.model is not outer.model or not inner.alias_map:
        return False
    first = next(iter(inner.alias_map))
    return bool(inner.alias_refcount.get(first, 1) == 0)


def _live(query: Any) -> list[str]:
    return [a for a in query.alias_map if query.alias_refcount.get(a, 0) > 0]


def _in_queryset(lookup: Any, inner: Any, paths: dict[str, Hop]) -> ImplicitSubquery | None:
    live = _live(inner)
    if not live:
        return None
    col = column(lookup)
    relation = ""
    joinable = False
    if col is not None:
        alias, field, transforms = col
        hop = paths.get(alias)
        prefix = hop.path if hop is not None else ""
        # rel__in=qs across a many-to-many stops at the through table (Django
        # trims the join to the target): its key to the target is rel itself.
        own = hop is not None and hop.through == alias and field.name == hop.target_fk
        relation = "__".join(p for p in (prefix, "" if own else str(field.name), *transforms) if p)
        related = getattr(field, "related_model", None)
        joinable = _concrete(related) is not None and _concrete(related) is _concrete(inner.model)
    name = str(lookup.lookup_name)
    hops = alias_paths(inner, live[0], root=Hop("", inner.model, [live[0]], False))
    return ImplicitSubquery(
        kind="in_queryset",
        lookup=f"{relation}__{name}" if relation else name,
        relation=relation,
        model=_relations.label(inner.model),
        table=str(inner.alias_map[live[0]].table_name),
        conditions=_inner_conditions(inner, hops, skip=None),
        joinable=joinable,
    )


def _exclude(outer: Any, inner: Any) -> ImplicitSubquery | None:
    live = _live(inner)
    if not live:
        return None
    own = set(inner.alias_map)
    correlation = fk = None
    for lookup, _, _ in lookups(inner.where):
        rhs = getattr(lookup, "rhs", None)
        col = column(lookup)
        # The key that ties the subquery to the outer row: inner.fk = outer.pk.
        outer_column = hasattr(rhs, "target") and getattr(rhs, "alias", None) not in own
        if col is not None and col[0] == live[0] and outer_column:
            correlation, fk = lookup, col[1]
            break
    if correlation is None:
        return None
    hop = m2m_hop(outer.model, fk, inner, live[0])
    if hop.model is None:
        return None
    hops = alias_paths(inner, live[0], root=hop)
    conditions = _inner_conditions(inner, hops, skip=correlation, ignore=hop.generic_fields)
    first = conditions[0] if conditions else "pk"
    return ImplicitSubquery(
        kind="exclude",
        lookup=hop.path if first == "pk" else f"{hop.path}__{first}",
        relation=hop.path,
        model=_relations.label(hop.model),
        table=str(inner.alias_map[live[0]].table_name),
        conditions=conditions,
    )


def _inner_conditions(
    inner: Any, hops: dict[str, Any], skip: Any, ignore: tuple[str, ...] = ()
) -> tuple[str, ...]:
    found: list[str] = []
    for lookup, _, negated in lookups(inner.where):
        col = column(lookup)
        if lookup is skip or negated or col is None or col[0] not in hops:
            continue
        if col[1].name in ignore:
            continue
        text = condition(hops[col[0]], col, lookup, relative=True)
        if text is not None:
            found.append(text)
    return tuple(dict.fromkeys(found))


def _concrete(model: Any) -> Any:
    return getattr(getattr(model, "_meta", None), "concrete_model", None)
