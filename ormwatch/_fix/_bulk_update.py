"""A loop of ``save()`` calls on changed objects: the saves go, one ``bulk_update()`` follows.

The loop body assigns fields of the loop variable and then calls its
``save()``; the assignments stay in the loop, and
``Book.objects.bulk_update(books, ["title"])`` follows it with the fields the
loop assigned (each a column the recorded UPDATE set). ``books`` must be a
variable holding a list or a queryset (iterated again, it gives the same
objects); a queryset written in the loop's header is listed first into
``<model>_rows``. Never for a model with an ``auto_now`` field, which
``save()`` sets and ``bulk_update()`` does not, nor where ``_bulk`` refuses
``bulk_create()`` for the model (``save()`` overridden, save signals).
"""

from __future__ import annotations

import ast
from typing import Any

from ormwatch._fix import _bulk, _chain, _compose, _edit, _source
from ormwatch._query import CallSite

_SEQUENCE_CALLS = frozenset({"list", "tuple", "sorted"})


def bulk_update(
    site: CallSite, model_label: str, columns: list[str]
) -> tuple[str, _edit.Edit] | None:
    """The loop without its ``save()``, then ``bulk_update()``: the fix and its edit."""
    model = _compose.model_class(model_label)
    code = _source.code_at(site)
    if code is None or not _bulk.plain_saves(model) or _auto_now(model):
        return None
    loop = _bulk.loop_of(code)
    if loop is None or not isinstance(loop.target, ast.Name):
        return None
    variable = loop.target.id
    *assignments, save = loop.body
    if not assignments or not _bulk.saves(save, variable) or save is not code.statement:
        return None
    fields = _assigned_fields(assignments, variable, model)
    if fields is None or any(model._meta.get_field(f).column not in columns for f in fields):
        return None
    lines = code.source.splitlines()
    indent = lines[loop.lineno - 1][: loop.col_offset]
    first: list[str] = []  # for a queryset written in the loop's header: a list of its rows
    if isinstance(loop.iter, ast.Name):
        if not _reiterable(code, loop.iter.id, loop):
            return None
        objects = loop.iter.id
    else:
        chain = _chain.take_apart(code, loop.iter)
        written = _source.text(code, loop.iter)
        if chain is None or chain.root != model.__name__ or written is None or "\n" in written:
            return None
        if chain.links[0].name != "objects" or "iterator" in chain.methods():
            return None
        objects = _free_name(code, f"{model.__name__.lower()}_rows")
        first = [f"{indent}{objects} = list({written})"]
    quoted = ", ".join(f'"{f}"' for f in fields)
    call = f"{model.__name__}.objects.bulk_update({objects}, [{quoted}])"
    header = _edit.statement_lines(_bulk.at(code, loop))
    if header is None or _bulk.shares_lines(code, loop) or save.lineno == loop.lineno:
        return None
    end = loop.end_lineno or loop.lineno
    kept = lines[loop.lineno - 1 : save.lineno - 1]
    if (save.end_lineno or save.lineno) != end:
        return None  # a comment or blank line after the save(): leave the loop as written
    if first:
        if loop.iter.lineno != loop.lineno or loop.body[0].lineno == loop.lineno:
            return None
        kept[0] = f"{indent}for {variable} in {objects}:"
    text = "\n".join([*first, *kept, f"{indent}{call}"])
    edit = _edit.Edit(code.path, loop.lineno, end, text)
    return _edit.shown(edit), edit


def _free_name(code: _source.Code, name: str) -> str:
    taken = {n.id for n in ast.walk(code.function) if isinstance(n, ast.Name)}
    while name in taken:
        name += "_"
    return name


def _auto_now(model: Any) -> bool:
    return any(getattr(f, "auto_now", False) for f in model._meta.concrete_fields)


def _assigned_fields(statements: list[ast.stmt], variable: str, model: Any) -> list[str] | None:
    """The concrete fields ``variable.field = ...`` sets, in order; None for anything else."""
    from django.core.exceptions import FieldDoesNotExist

    fields: list[str] = []
    for statement in statements:
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            target, value = statement.targets[0], statement.value
        elif isinstance(statement, ast.AugAssign):
            target, value = statement.target, statement.value
        else:
            return None
        if not (isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name)):
            return None
        if target.value.id != variable:
            return None
        if _bulk.queries(value):  # a query in the loop could read rows the earlier saves wrote
            return None
        try:
            field = model._meta.get_field(target.attr)
        except FieldDoesNotExist:
            return None
        if not field.concrete or field.primary_key or field.many_to_many:
            return None
        if field.name not in fields:
            fields.append(field.name)
    return fields


def _reiterable(code: _source.Code, name: str, loop: ast.For) -> bool:
    """``name`` is assigned once in the function, before the loop, a list or a queryset."""
    stores = [
        n
        for n in ast.walk(code.function)
        if isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Store)
    ]
    if len(stores) != 1 or not code.is_local(name) or stores[0].lineno >= loop.lineno:
        return False
    assign = code.parents.get(stores[0])
    if not isinstance(assign, ast.Assign) or assign.targets != [stores[0]]:
        return False
    value = assign.value
    if isinstance(value, (ast.List, ast.ListComp, ast.Tuple)):
        return True
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Name):
        return value.func.id in _SEQUENCE_CALLS
    chain = _chain.take_apart(code, value)
    if chain is None or not chain.links or chain.links[0].name != "objects":
        return False
    # A queryset caches its rows on the first iteration; iterator() does not.
    return "iterator" not in chain.methods() and chain.links[-1].args is not None
