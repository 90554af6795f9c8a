"""Fix code for unexpected joins, written over the user's own queryset chain.

Each fix rewrites the statement that filters across the relation, with the
filter moved into an ``Exists`` and the user's own values (``_exists_edit``);
a repeat whose filter cannot be moved gets ``distinct()`` on the chain that
filters; an annotation counted over two joins gets ``Count(..., distinct=True)``.
Where none of these can be written exactly there is no edit (the message says
what to do).
"""

from __future__ import annotations

import ast

from ormwatch._fix import _behind, _chain, _edit, _exists, _exists_edit, _source
from ormwatch._fix._chain import Link
from ormwatch._query import CallSite, JoinedRelation

# Aggregates that repeated rows inflate and distinct=True cannot repair.
_SUMS = ("Sum(", "Avg(", "StdDev(", "Variance(")
# QuerySet methods that return a QuerySet: distinct() may follow them.
_QUERYSET_METHODS = frozenset(
    {
        "all",
        "alias",
        "annotate",
        "complex_filter",
        "defer",
        "exclude",
        "extra",
        "filter",
        "only",
        "order_by",
        "prefetch_related",
        "reverse",
        "select_for_update",
        "select_related",
        "using",
        "values",
        "values_list",
    }
)


Written = tuple[CallSite, _edit.Edit]


def repeat(
    site: CallSite | None, origin: CallSite | None, model: str, relation: JoinedRelation
) -> Written | None:
    """Each row once: the filter across the relation as ``Exists()``, else ``distinct()``."""
    outer = model.rsplit(".", 1)[-1]
    if "where" not in relation.uses:
        return _order_by_aggregate(origin, outer, relation)
    exists = _with_exists(site, origin, model, (relation,))
    if exists is not None:
        return exists
    chain = _chain.queryset_at(origin, outer)
    if chain is None or origin is None:
        return None
    if not any(_on(k, relation.path) for link in chain.links for k, _ in link.args or ()):
        return None  # the filter is written elsewhere: distinct() here could miss it
    # Right after the last call that returns a queryset: distinct() after
    # get() or first() raises, and after a slice Django refuses it.
    at = next(
        (i for i, x in enumerate(chain.links) if i and x.name not in _QUERYSET_METHODS),
        len(chain.links),
    )
    chain.links.insert(at, Link("distinct", []))
    edit = chain.edit()
    return (origin, edit) if edit is not None else None


def either(
    site: CallSite | None,
    origin: CallSite | None,
    model: str,
    relations: tuple[JoinedRelation, ...],
    grouped: bool = False,
) -> Written | None:
    outer = model.rsplit(".", 1)[-1]
    if grouped:
        return _distinct_counts(origin, outer, relations)
    return _with_exists(site, origin, model, relations)


def _on(keyword: str | None, path: str) -> bool:
    return keyword is not None and _exists.on_relation(keyword, path) is not None


def _with_exists(
    site: CallSite | None,
    origin: CallSite | None,
    model: str,
    relations: tuple[JoinedRelation, ...],
) -> Written | None:
    """The statement that filters across ``relations``, each filter turned into an Exists."""
    paths = [r.path for r in relations]
    near = site or origin
    if near is None:
        return None
    for code in _behind.statements_behind(site) + _behind.statements_behind(origin):
        edit = _exists_edit.rewrite(code, model, paths, negated=False)
        if edit is not None:
            return _behind.site_of(code, near), edit
    return None


def _order_by_aggregate(
    origin: CallSite | None, outer: str, relation: JoinedRelation
) -> Written | None:
    # distinct() cannot help here: Django adds the ordering column to the
    # SELECT DISTINCT, so the rows stay repeated. Order by one value per row.
    chain = _chain.queryset_at(origin, outer)
    if chain is not None and origin is not None:
        for index, link in enumerate(chain.links):
            if link.name != "order_by" or link.args is None:
                continue
            for position, (_, value) in enumerate(link.args):
                field = _source.literal(value)
                if not isinstance(field, str) or not field.lstrip("-").startswith(relation.path):
                    continue
                name = field.lstrip("-").replace("__", "_")
                aggregate = "Max" if field.startswith("-") else "Min"
                link.args[position] = (
                    None,
                    f'"{field[: len(field) - len(field.lstrip("-"))]}{name}"',
                )
                chain.links.insert(
                    index, Link("annotate", [(name, f'{aggregate}("{field.lstrip("-")}")')])
                )
                edit = chain.edit()
                return (origin, edit) if edit is not None else None
    return None


def _distinct_counts(
    origin: CallSite | None, outer: str, relations: tuple[JoinedRelation, ...]
) -> Written | None:
    paths = {r.path for r in relations}
    chain = _chain.queryset_at(origin, outer)
    if chain is not None and origin is not None:
        changed = False
        for link in chain.calls("annotate"):
            for index, (keyword, value) in enumerate(link.args or ()):
                if value.startswith(_SUMS):
                    return None  # a sum over repeated rows: only a Subquery() is right
                counted = _counted_path(value)
                if counted in paths and "distinct" not in value:
                    link.args[index] = (keyword, value[:-1] + ", distinct=True)")  # type: ignore[index]
                    changed = True
        edit = chain.edit() if changed else None
        if edit is not None:
            return origin, edit
    return None


def _counted_path(source: str) -> str | None:
    try:
        node = ast.parse(source, mode="eval").body
    except SyntaxError:
        return None
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Count":
        first = node.args[0] if node.args else None
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            return first.value
    return None
