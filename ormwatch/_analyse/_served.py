"""Whether a prefetch would serve a related-manager call, read from the call site's source.

A prefetched relation is read from its cache only through ``all()`` (and
``count()`` / ``exists()`` / iteration of what it returns). ``filter()``,
``exclude()``, ``order_by()``, ``get()``, ``last()`` and the rest build a new
query, so ``prefetch_related()`` would not remove an N+1 of them: it would
add a query and leave the loop as it was. ``first()`` reads the cache only
when the related model has a default ordering (else it orders by ``pk``,
a new query).
"""

from __future__ import annotations

import ast

from ormwatch._fix import _compose, _source
from ormwatch._query import Query

_CACHE_READERS = frozenset({"all", "count", "exists"})


def uncached_call(query: Query) -> str | None:
    """The manager method at the call site a prefetch would not serve (``filter``), if any."""
    orm, site = query.orm, query.call_site
    relation = orm.relation
    if orm.kind != "related_manager" or relation is None or site is None:
        return None
    code = _source.code_at(site)
    if code is None:
        return None
    model = _compose.model_class(relation.related_model)
    ordered = bool(getattr(getattr(model, "_meta", None), "ordering", None))
    for node in ast.walk(code.statement):
        if not (isinstance(node, ast.Attribute) and node.attr == relation.field):
            continue
        if not node.lineno <= site.line <= (node.end_lineno or node.lineno):
            continue
        for method in _methods(node, code.parents):
            if method not in _CACHE_READERS and not (method == "first" and ordered):
                return method
    return None


def _methods(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> list[str]:
    """The methods called one after another on ``node``: ``["filter", "first"]``."""
    methods: list[str] = []
    current = node
    while True:
        attribute = parents.get(current)
        if not isinstance(attribute, ast.Attribute) or attribute.value is not current:
            return methods
        call = parents.get(attribute)
        if not isinstance(call, ast.Call) or call.func is not attribute:
            return methods
        methods.append(attribute.attr)
        current = call
