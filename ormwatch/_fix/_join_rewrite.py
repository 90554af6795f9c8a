"""Fix code for unexpected joins, written over the user's own queryset chain.

Each fix rebuilds the origin's ``Model.objects...`` chain with the filters
across a relation moved into an ``Exists``, keeping the user's values. When
the chain cannot be found the fix is the same code with ``...`` for the values.
"""

from __future__ import annotations

import ast

from ormwatch._fix import _chain, _exists, _source
from ormwatch._fix._chain import Link
from ormwatch._query import CallSite, JoinedRelation

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


def repeat(origin: CallSite | None, model: str, relation: JoinedRelation) -> str:
    outer = model.rsplit(".", 1)[-1]
    if "where" not in relation.uses:
        return _order_by_aggregate(origin, outer, relation)
    chain = _chain.queryset_at(origin, outer)
    if chain is None or origin is None:
        distinct = f"{outer}.objects.filter(...).distinct()"
    else:
        # Right after the last call that returns a queryset: distinct() after
        # get() or first() raises, and after a slice Django refuses it.
        at = next(
            (i for i, x in enumerate(chain.links) if i and x.name not in _QUERYSET_METHODS),
            len(chain.links),
        )
        chain.links.insert(at, Link("distinct", []))
        distinct = chain.in_line(origin.line)
    exists = _with_exists(origin, model, (relation,)) or _generic_exists(model, relation)
    return f"{distinct}  # each {outer} once\n# or test for a match without joining:\n{exists}"


def either(
    origin: CallSite | None,
    model: str,
    relations: tuple[JoinedRelation, ...],
    grouped: bool = False,
) -> str:
    outer = model.rsplit(".", 1)[-1]
    if grouped:
        return _distinct_counts(origin, outer, relations)
    rewritten = _with_exists(origin, model, relations)
    if rewritten is not None:
        return f"{rewritten}  # one EXISTS per relation, no join"
    tests = " | ".join(_generic_exists_expr(model, r) for r in relations)
    return f"{outer}.objects.filter({tests})"


def _on(keyword: str | None, path: str) -> bool:
    return keyword is not None and _exists.on_relation(keyword, path) is not None


def _with_exists(
    origin: CallSite | None, model: str, relations: tuple[JoinedRelation, ...]
) -> str | None:
    """The origin's chain with every filter across ``relations`` turned into an Exists."""
    outer = model.rsplit(".", 1)[-1]
    chain = _chain.queryset_at(origin, outer)
    if chain is None or origin is None:
        return None
    texts: dict[str, str] = {}
    changed = False
    for relation in relations:
        for call, keyword, lookup in _exists.keywords_on(chain.code, relation.path):
            if _exists.q_call(call) and len(call.keywords) == 1 and not call.args:
                value = _source.text(chain.code, keyword.value) or "..."
                exists = _exists.exists_for(model, relation.path, [(lookup, value)])
                old = _source.text(chain.code, call)
                if exists is not None and old is not None:
                    texts[old] = exists
        for link in chain.calls("filter"):
            moved = [(k, v) for k, v in link.args or () if _on(k, relation.path)]
            if not moved:
                continue
            found = [(_exists.on_relation(k or "", relation.path) or "pk", v) for k, v in moved]
            exists = _exists.exists_for(model, relation.path, found)
            if exists is None:
                return None
            positional = [a for a in link.args or () if a[0] is None]
            keywords = [a for a in link.args or () if a[0] is not None and a not in moved]
            link.args = [*positional, (None, exists), *keywords]
            changed = True
    for link in chain.links:
        for index, (name, value) in enumerate(link.args or ()):
            for old, new in texts.items():
                if old in value:
                    value = value.replace(old, new)
                    changed = True
            if link.args is not None:
                link.args[index] = (name, value)
    return chain.in_line(origin.line) if changed else None


def _order_by_aggregate(origin: CallSite | None, outer: str, relation: JoinedRelation) -> str:
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
                return f"{chain.in_line(origin.line)}  # one row per {outer}"
    return (
        f'{outer}.objects.annotate(first=Min("{relation.path}__...")).order_by("first")'
        f"  # one row per {outer}"
    )


def _distinct_counts(
    origin: CallSite | None, outer: str, relations: tuple[JoinedRelation, ...]
) -> str:
    paths = {r.path for r in relations}
    chain = _chain.queryset_at(origin, outer)
    if chain is not None and origin is not None:
        changed = False
        for link in chain.calls("annotate"):
            for index, (keyword, value) in enumerate(link.args or ()):
                counted = _counted_path(value)
                if counted in paths and "distinct" not in value:
                    link.args[index] = (keyword, value[:-1] + ", distinct=True)")  # type: ignore[index]
                    changed = True
        if changed:
            return (
                f"{chain.in_line(origin.line)}  # each count once per related row\n"
                f"# Sum()/Avg() cannot be fixed with distinct: compute each in a Subquery()"
            )
    counts = ", ".join(f'{p.split("__")[-1]}_count=Count("{p}", distinct=True)' for p in paths)
    return f"{outer}.objects.annotate({counts})  # Sum()/Avg(): one Subquery() per relation"


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


def _generic_exists_expr(model: str, relation: JoinedRelation) -> str:
    lookups = [(c, "...") for c in relation.conditions] or [("pk", "...")]
    found = _exists.exists_for(model, relation.path, lookups)
    return found or f"Exists(...{relation.path}...)"


def _generic_exists(model: str, relation: JoinedRelation) -> str:
    outer = model.rsplit(".", 1)[-1]
    return f"{outer}.objects.filter({_generic_exists_expr(model, relation)})"
