"""The shape of a compiled statement: the relations it joins and why, and the
subqueries Django wrote on its own.

Read from the ``SQLCompiler`` frame after compilation, and only when the
query has a join (more than one alias) or a subquery was resolved into it
(``subq_aliases`` grows past the query's own prefix): a plain one-table
statement costs two ``len()`` calls here.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ormwatch._introspect import _joins, _relations
from ormwatch._introspect._paths import Hop, alias_paths, condition
from ormwatch._introspect._subqueries import composed_of_parts, implicit
from ormwatch._introspect._where import column, expression_types, lookups
from ormwatch._query import JoinedRelation

_ORDER_PREFIX = "-+"


def shape(compiler: Any) -> dict[str, Any]:
    query = compiler.query
    fields: dict[str, Any] = {}
    # union() / intersection() / difference(): the user composed the statement
    # (the combined query keeps its first part's joins, which it does not run).
    if composed_of_parts(query) or composed_of_parts(getattr(query, "inner_query", None)):
        return fields
    if len(query.alias_map) > 1:
        fields["distinct"] = bool(query.distinct)
        fields["grouped"] = query.group_by is not None
        fields["joined"] = joined(compiler, query)
    # count() of a distinct or sliced queryset wraps it: look inside too.
    for q in (query, getattr(query, "inner_query", None)):
        if q is not None and len(getattr(q, "subq_aliases", ())) > 1:
            found = tuple(implicit(q))
            if found:
                fields["subqueries"] = fields.get("subqueries", ()) + found
    return fields


def joined(compiler: Any, query: Any) -> tuple[JoinedRelation, ...]:
    hops = alias_paths(query, next(iter(query.alias_map)))
    # One entry per hop, not per path: annotate(Count("post")).filter(post__x=...)
    # joins "post" twice, and that is exactly what must be seen.
    unique = list(dict.fromkeys(hops.values()))
    uses: dict[Hop, set[str]] = {hop: set() for hop in unique}
    conditions: dict[Hop, list[str]] = {hop: [] for hop in unique}
    by_path: dict[str, Hop] = {}
    for hop in unique:
        by_path.setdefault(hop.path, hop)
    for alias, hop in hops.items():
        if getattr(query.alias_map[alias], "filtered_relation", None) is not None:
            uses[hop].add("filtered_relation")
    for path in _joins.select_related_paths(getattr(compiler, "klass_info", None)):
        if path in by_path:
            uses[by_path[path]].add("select_related")
    for lookup, in_or, negated in lookups(query.where):
        col = column(lookup)
        if col is None or col[0] not in hops:
            continue
        hop = hops[col[0]]
        uses[hop].update(("where", "or") if in_or else ("where",))
        text = None if negated else condition(hop, col, lookup)
        if text is not None:
            conditions[hop].append(text)
    col_type = expression_types()[0]
    for expression in (item[0] for item in getattr(compiler, "select", None) or ()):
        if isinstance(expression, col_type):  # most of a SELECT list: skip the generator
            if expression.alias in hops:
                uses[hops[expression.alias]].add("select")
            continue
        for alias, aggregated in _columns(expression, False):
            if alias in hops:
                uses[hops[alias]].add("aggregate" if aggregated else "select")
    for name in _order_names(query):
        matches = [p for p in by_path if name == p or name.startswith(p + "__")]
        best = max(matches, key=len, default="")
        if best:
            uses[by_path[best]].add("order_by")
    return tuple(
        JoinedRelation(
            path=hop.path,
            model=_relations.label(hop.model),
            aliases=tuple(hop.aliases),
            tables=tuple(str(query.alias_map[a].table_name) for a in hop.aliases),
            multi_valued=hop.multi_valued,
            outer=any(query.alias_map[a].join_type == "LEFT OUTER JOIN" for a in hop.aliases),
            uses=tuple(sorted(uses[hop])),
            conditions=tuple(dict.fromkeys(conditions[hop])),
            via=str(query.alias_map[hop.aliases[0]].parent_alias),
        )
        for hop in unique
        if hop.model is not None
    )


def _columns(expression: Any, aggregated: bool, depth: int = 0) -> Iterator[tuple[str, bool]]:
    col_type, aggregate = expression_types()
    if depth > 20 or expression is None:
        return
    if isinstance(expression, col_type):
        yield str(expression.alias), aggregated
        return
    if isinstance(expression, aggregate):
        # Count("x", distinct=True) is not inflated by other joins.
        aggregated = not getattr(expression, "distinct", False)
    getter = getattr(expression, "get_source_expressions", None)
    for source in getter() if getter is not None else ():
        yield from _columns(source, aggregated, depth + 1)


def _order_names(query: Any) -> Iterator[str]:
    items = list(query.order_by)
    if not items and query.default_ordering:
        items = list(query.get_meta().ordering or ())
    for item in items:
        if isinstance(item, str):
            yield item.lstrip(_ORDER_PREFIX)
            continue
        target = getattr(item, "expression", item)
        name = getattr(target, "name", None)
        if isinstance(name, str):
            yield name
