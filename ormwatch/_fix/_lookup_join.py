"""A lookup dict built from the related rows, read through the join instead.

``names = {blog.id: blog.name for blog in Blog.objects.all()}`` (or
``dict(Blog.objects.values_list("id", "name"))``) followed by
``names[category.blog_id]`` for each category fetches the blogs on their own
to find what a join carries with the categories. ``find`` recognises that
lookup for a queryset built at a statement and a forward foreign key ``fk``:
the reads become ``category.blog.name`` (the queryset gets
``select_related("blog")``, ``select_join``) or, over ``values()`` rows,
``row["blog__name"]`` (``values()`` names the field, ``values_join``), and
the dict's statement is deleted (``combined``).

The same value comes back only when the dict held every row a read can hit:
it was built from every row of the model (through a manager that filters
nothing) or from the very queryset the outer rows are filtered with through
``<fk>__in=``. Refused (None) when the key is nullable, when the dict is
assigned more than once, is read in any other way (``.get()``, ``in``,
iteration, passed on), when a read's row is not the loop variable over the
queryset, or when a statement between the dict and the first read writes.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ormwatch._fix import _lookup_dict, _source

# Calls that may write rows: the dict's values and the join's could differ after one.
_WRITES = frozenset(
    {"save", "update", "delete", "create", "bulk_create", "bulk_update", "get_or_create"}
    | {"update_or_create", "raw", "execute", "add", "remove", "set", "clear"}
)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)


@dataclass(frozen=True)
class Lookup:
    name: str  # the dict's variable
    field: str  # the related model's field the dict holds
    statement: ast.Assign  # the dict's assignment, deleted by the fix
    rows: str | None  # the variable the dict was built from, if any
    reads: tuple[tuple[ast.Subscript, str], ...]  # each read and what it becomes


def find(
    code: _source.Code,
    outer: ast.expr,
    model: Any,
    fk: str,
    keys: frozenset[str] | None = None,
    inner: str | None = None,
) -> Lookup | None:
    """The lookup the rows of ``outer`` (in ``code.statement``) read through ``fk``.

    ``keys`` are the ``values()`` keys holding the key (None: model instances,
    read as ``row.<fk>_id``); ``inner`` the variable the outer rows are
    filtered with through ``<fk>__in=``, whose rows a dict may hold instead of all.
    """
    field = _foreign_key(model, fk)
    if field is None:
        return None
    related = field.related_model
    reads: dict[str, list[tuple[ast.Subscript, str]]] = {}
    loops = _loops(code, outer)
    for node in ast.walk(code.function):
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
            row = _row(code, node.slice, field, keys, loops)
            if row is not None:
                reads.setdefault(node.value.id, []).append((node, row))
    if len(reads) != 1:  # no lookup, or two: which one to drop is not ours to pick
        return None
    ((name, found),) = reads.items()
    read_nodes = {id(n.value) for n, _ in found}
    if not all(id(n) in read_nodes for n in code.loads(name)):
        return None  # read some other way: .get(), in, iteration, passed on
    if any(not isinstance(n.ctx, ast.Load) for n, _ in found):
        return None
    built = _lookup_dict.built(code, name, related)
    if built is None:
        return None
    statement, value, rows = built
    if not (rows is None or rows == inner or _lookup_dict.every_row(code, rows, related)):
        return None
    if not _before_reads(code, statement, [n for n, _ in found]):
        return None
    if keys is None:
        texts = [(n, f"{row}.{fk}.{value}") for n, row in found]
    else:
        texts = [(n, f'{row}["{fk}__{value}"]') for n, row in found]
    return Lookup(name, value, statement, rows, tuple(texts))


def _foreign_key(model: Any, fk: str) -> Any:
    from django.core.exceptions import FieldDoesNotExist

    try:
        field = model._meta.get_field(fk)
    except (FieldDoesNotExist, AttributeError):
        return None
    if not (field.many_to_one or field.one_to_one) or not field.concrete or field.null:
        return None  # a null key has no row to join: the dict raised, the join gives None
    if field.target_field != field.related_model._meta.pk:
        return None  # keyed by another column than the dict's
    return field


def _loops(code: _source.Code, outer: ast.expr) -> tuple[ast.expr, str | None]:
    """The queryset expression, and the one variable it is assigned to, if any."""
    statement = code.statement
    if isinstance(statement, ast.Assign) and statement.value is outer:
        target = statement.targets[0] if len(statement.targets) == 1 else None
        if isinstance(target, ast.Name) and _lookup_dict.assignment(code, target.id) is statement:
            return outer, target.id
    return outer, None


def _row(
    code: _source.Code,
    key: ast.expr,
    field: Any,
    keys: frozenset[str] | None,
    loops: tuple[ast.expr, str | None],
) -> str | None:
    """The loop variable ``key`` reads the foreign key of (``row.blog_id``, ``row["blog_id"]``)."""
    if keys is None:
        if not isinstance(key, ast.Attribute) or key.attr != field.attname:
            return None
        row = key.value
    else:
        if not isinstance(key, ast.Subscript) or _lookup_dict.literal(key.slice) not in keys:
            return None
        row = key.value
    if not isinstance(row, ast.Name) or not _over(code, row, loops):
        return None
    return row.id


def _over(code: _source.Code, row: ast.Name, loops: tuple[ast.expr, str | None]) -> bool:
    """``row`` is bound by the nearest loop around it, over the outer queryset's rows."""
    outer, variable = loops
    node: ast.AST = row
    while True:
        parent = code.parents.get(node)
        if parent is None or isinstance(
            parent, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
        ):
            return False
        if isinstance(parent, _COMPREHENSIONS):
            binding = [g for g in parent.generators if _binds(g.target, row.id)]
            if binding:
                g = binding[0]
                return len(binding) == 1 and not g.is_async and _iterates(g.iter, outer, variable)
        if isinstance(parent, ast.For) and _binds(parent.target, row.id):
            inside = any(node is s for s in parent.body)
            stores = [
                n
                for s in parent.body
                for n in ast.walk(s)
                if isinstance(n, ast.Name) and n.id == row.id and isinstance(n.ctx, ast.Store)
            ]
            return inside and not stores and _iterates(parent.iter, outer, variable)
        node = parent


def _binds(target: ast.expr, name: str) -> bool:
    return isinstance(target, ast.Name) and target.id == name


def _iterates(iterable: ast.expr, outer: ast.expr, variable: str | None) -> bool:
    if iterable is outer:
        return True
    return variable is not None and isinstance(iterable, ast.Name) and iterable.id == variable


def _before_reads(code: _source.Code, statement: ast.Assign, reads: Sequence[ast.AST]) -> bool:
    """The dict is built in the origin's block, above every statement that reads it, and
    no statement between it and the first of them writes rows (the dict's values and the
    join's, read later, could differ)."""
    block = code.parents.get(statement)
    body = getattr(block, "body", None)
    if block is not code.parents.get(code.statement) or not isinstance(body, list):
        return False
    start = next(i for i, s in enumerate(body) if s is statement)
    first = len(body)
    for read in reads:
        node: ast.AST | None = read
        while node is not None and code.parents.get(node) is not block:
            node = code.parents.get(node)
        index = next((i for i, s in enumerate(body) if s is node), None)
        if index is None or index <= start:
            return False
        first = min(first, index)
    return not any(
        isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in _WRITES
        for s in body[start + 1 : first]
        for n in ast.walk(s)
    )
