"""Which dicts are lookups of a model's rows by their key, and what rows they hold.

``{blog.id: blog.name for blog in rows}`` and ``dict(rows.values_list("id",
"name"))``: one field of each row, keyed by the primary key (``id`` or
``pk``). ``built`` names the field and the rows: a variable (whose rows the
caller must judge) or every row of the model (``Model.objects.all()``, ordered
or not, through a manager whose ``get_queryset()`` filters nothing). Anything
else (a filter, a condition in the comprehension, another key, a relation as
the value) is no lookup: None.
"""

from __future__ import annotations

import ast
from typing import Any

from ormwatch._fix import _chain, _source

# Links that keep every row of the model.
_ALL_ROWS = frozenset({"objects", "all", "order_by"})


def _stores(code: _source.Code, name: str) -> list[ast.Name]:
    return [
        n
        for n in ast.walk(code.function)
        if isinstance(n, ast.Name) and n.id == name and not isinstance(n.ctx, ast.Load)
    ]


def assignment(code: _source.Code, name: str) -> ast.Assign | None:
    """``name = ...``: the one statement that binds the local ``name``."""
    stores = _stores(code, name)
    if len(stores) != 1 or not code.is_local(name):
        return None
    assign = code.parents.get(stores[0])
    return assign if isinstance(assign, ast.Assign) and assign.targets == [stores[0]] else None


def built(code: _source.Code, name: str, related: Any) -> tuple[ast.Assign, str, str | None] | None:
    """The dict's one assignment, the field it holds and the variable it iterates (None:
    a ``Model.objects`` chain over every row), or None if it is not such a lookup."""
    assign = assignment(code, name)
    if assign is None:
        return None
    value = assign.value
    if isinstance(value, ast.DictComp):
        found = _from_comprehension(value, related)
    elif (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Name)
        and value.func.id == "dict"
        and not code.is_local("dict")
        and len(value.args) == 1
        and not value.keywords
    ):
        found = _from_values_list(code, value.args[0], related)
    else:
        found = None
    if found is None:
        return None
    field, rows = found
    if isinstance(rows, ast.Name):
        return assign, field, rows.id
    chain = _chain.take_apart(code, rows)
    if chain is None or chain.root != related.__name__ or not _all_rows(chain, related):
        return None
    return assign, field, None


def _from_comprehension(value: ast.DictComp, related: Any) -> tuple[str, ast.expr] | None:
    """``{x.id: x.name for x in rows}``: the field and the rows."""
    if len(value.generators) != 1:
        return None
    generator = value.generators[0]
    target = generator.target
    if generator.ifs or generator.is_async or not isinstance(target, ast.Name):
        return None
    key, held = value.key, value.value
    if _attribute_of(key, target.id) not in ("pk", related._meta.pk.attname):
        return None
    field = _attribute_of(held, target.id)
    return (field, generator.iter) if field and _plain_field(related, field) else None


def _attribute_of(node: ast.expr, name: str) -> str | None:
    if (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == name
    ):
        return node.attr
    return None


def _from_values_list(
    code: _source.Code, node: ast.expr, related: Any
) -> tuple[str, ast.expr] | None:
    """``dict(rows.values_list("id", "name"))``: the field and the rows."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
        return None
    if node.func.attr != "values_list" or node.keywords or len(node.args) != 2:
        return None
    key, field = (literal(a) for a in node.args)
    if key not in ("pk", related._meta.pk.attname) or not isinstance(field, str):
        return None
    return (field, node.func.value) if _plain_field(related, field) else None


def _plain_field(model: Any, name: str) -> bool:
    """A concrete column of ``model`` that is not a relation, named as the row names it."""
    from django.core.exceptions import FieldDoesNotExist

    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return bool(field.concrete) and not field.is_relation and field.attname == name


def _all_rows(chain: _chain.Chain, model: Any) -> bool:
    """``Model.objects.all()`` (ordered or not) through a manager that filters nothing."""
    from django.db.models.manager import BaseManager

    if not chain.links or chain.links[0].name != "objects":
        return False
    if any(link.name not in _ALL_ROWS for link in chain.links):
        return False
    manager = getattr(model, "objects", None)
    return isinstance(manager, BaseManager) and (
        type(manager).get_queryset is BaseManager.get_queryset
    )


def every_row(code: _source.Code, name: str, model: Any) -> bool:
    """A variable assigned once, from every row of ``model``."""
    assign = assignment(code, name)
    if assign is None:
        return False
    chain = _chain.take_apart(code, assign.value)
    return chain is not None and chain.root == model.__name__ and _all_rows(chain, model)


def literal(node: ast.expr) -> object:
    try:
        return ast.literal_eval(node)
    except ValueError:
        return None
