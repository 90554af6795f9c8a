"""A write loop's fix: one ``bulk_create()`` for the loop, or one ``bulk_update()`` after it.

Written only when the bulk call is provably the same writes, read from the
loop's source:

- ``bulk_create``: the loop body is one statement that saves a new object
  built in it (``Notification(user=user, ...).save()``,
  ``Notification.objects.create(user=user, ...)``, or ``n = Notification(...)``
  then ``n.save()`` with ``n`` read nowhere else); the loop becomes
  ``Notification.objects.bulk_create([Notification(...) for user in users])``
  with the user's constructor call, loop variable and iterable.
- ``bulk_update``: the body assigns fields of the loop variable and then calls
  its ``save()``; the assignments stay in the loop, the ``save()`` goes, and
  ``Book.objects.bulk_update(books, ["title"])`` follows the loop. ``books``
  must be a variable holding a list or a queryset (iterated again, it gives
  the same objects), and every assigned field must be a column the recorded
  UPDATE set.

Never when the model overrides ``save()``, has ``pre_save`` / ``post_save``
receivers (bulk methods call neither), inherits from a concrete model, or
(for ``bulk_update``) has an ``auto_now`` field ``save()`` would have set.
"""

from __future__ import annotations

import ast
from typing import Any

from ormwatch._fix import _chain, _compose, _edit, _source
from ormwatch._query import CallSite

_SEQUENCE_CALLS = frozenset({"list", "tuple", "sorted"})


def bulk_create(site: CallSite, model_label: str) -> tuple[str, _edit.Edit] | None:
    """The ``bulk_create()`` statement replacing the loop around ``site``, and its edit."""
    model = _compose.model_class(model_label)
    code = _source.code_at(site)
    if code is None or not _plain_saves(model):
        return None
    loop = _loop_of(code)
    if loop is None or (not isinstance(loop.target, ast.Name) and not _names_only(loop.target)):
        return None
    built = _built_object(code, loop, model.__name__)
    if built is None:
        return None
    target = _source.text(code, loop.target)
    iterable = _source.text(code, loop.iter)
    if target is None or iterable is None:
        return None
    name = model.__name__
    text = f"{name}.objects.bulk_create([{built} for {target} in {iterable}])"
    edit = _replace_loop(code, loop, text)
    return (text, edit) if edit is not None else None


def bulk_update(
    site: CallSite, model_label: str, columns: list[str]
) -> tuple[str, _edit.Edit] | None:
    """The loop without its ``save()``, then ``bulk_update()``: the fix and its edit."""
    model = _compose.model_class(model_label)
    code = _source.code_at(site)
    if code is None or not _plain_saves(model) or _auto_now(model):
        return None
    loop = _loop_of(code)
    if loop is None or not isinstance(loop.target, ast.Name):
        return None
    variable = loop.target.id
    *assignments, save = loop.body
    if not assignments or not _saves(save, variable) or save is not code.statement:
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
    header = _edit.statement_lines(_at(code, loop))
    if header is None or _shares_lines(code, loop) or save.lineno == loop.lineno:
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


def _plain_saves(model: Any) -> bool:
    """Bulk methods skip ``save()`` and its signals: only a model using neither qualifies."""
    if model is None:
        return False
    from django.db import models
    from django.db.models import signals

    if model.save is not models.Model.save or model._meta.parents:
        return False
    return not (signals.pre_save.has_listeners(model) or signals.post_save.has_listeners(model))


def _auto_now(model: Any) -> bool:
    return any(getattr(f, "auto_now", False) for f in model._meta.concrete_fields)


def _loop_of(code: _source.Code) -> ast.For | None:
    """The ``for`` loop whose body holds the statement at the site, with no ``else`` or exit."""
    loop = code.parents.get(code.statement)
    if not isinstance(loop, ast.For) or loop.orelse or code.statement not in loop.body:
        return None
    exits = (ast.Break, ast.Continue, ast.Return, ast.Try, ast.With)
    if any(isinstance(n, exits) for s in loop.body for n in ast.walk(s)):
        return None
    return loop


def _names_only(target: ast.expr) -> bool:
    return isinstance(target, ast.Tuple) and all(isinstance(e, ast.Name) for e in target.elts)


def _built_object(code: _source.Code, loop: ast.For, name: str) -> str | None:
    """The constructor call the body saves (as ``Model(...)`` source text), or None."""
    body = loop.body
    if len(body) == 1 and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Call):
        call = body[0].value
        func = call.func
        if not (isinstance(func, ast.Attribute) and func.attr == "save"):
            return _created(code, call, name)
        if not call.args and not call.keywords and _constructs(func.value, name):
            return _source.text(code, func.value)
        return None
    if len(body) == 2 and isinstance(body[0], ast.Assign) and len(body[0].targets) == 1:
        target, value = body[0].targets[0], body[0].value
        if not isinstance(target, ast.Name) or not _constructs(value, name):
            return None
        if not _saves(body[1], target.id) or len(code.loads(target.id)) != 1:
            return None  # the object is read somewhere else: it must stay
        return _source.text(code, value)
    return None


def _created(code: _source.Code, call: ast.Call, name: str) -> str | None:
    """``Model.objects.create(a=1)`` as ``Model(a=1)``."""
    chain = _chain.take_apart(code, call)
    if (
        chain is None
        or chain.root != name
        or [x.name for x in chain.links] != ["objects", "create"]
    ):
        return None
    if call.args or any(k.arg is None or _queries(k.value) for k in call.keywords):
        return None
    arguments = ", ".join(f"{k.arg}={_source.text(code, k.value)}" for k in call.keywords)
    return f"{name}({arguments})"


def _constructs(node: ast.expr, name: str) -> bool:
    """``Model(...)``, with no query in its arguments (a query could read the rows the
    earlier iterations wrote, which bulk_create() writes only after them all)."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
        return False
    return node.func.id == name and not _queries(node)


def _queries(node: ast.AST) -> bool:
    return any(isinstance(n, ast.Attribute) and n.attr == "objects" for n in ast.walk(node))


def _saves(statement: ast.stmt, variable: str) -> bool:
    """``variable.save()`` as a statement, with no arguments."""
    if not isinstance(statement, ast.Expr) or not isinstance(statement.value, ast.Call):
        return False
    call = statement.value
    func = call.func
    return (
        not call.args
        and not call.keywords
        and isinstance(func, ast.Attribute)
        and func.attr == "save"
        and isinstance(func.value, ast.Name)
        and func.value.id == variable
    )


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
        if _queries(value):  # a query in the loop could read rows the earlier saves wrote
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


def _at(code: _source.Code, statement: ast.stmt) -> _source.Code:
    return _source.Code(code.path, code.source, code.function, statement, code.parents)


def _shares_lines(code: _source.Code, loop: ast.For) -> bool:
    """Another statement on the loop's lines (``...save(); y = 2`` after the loop's body)."""
    end = loop.end_lineno or loop.lineno
    around = code.parents.get(loop)
    siblings = [
        n
        for n in ast.iter_child_nodes(around if around is not None else code.function)
        if isinstance(n, ast.stmt) and n is not loop
    ]
    return any(n.lineno <= end and (n.end_lineno or n.lineno) >= loop.lineno for n in siblings)


def _replace_loop(code: _source.Code, loop: ast.For, text: str) -> _edit.Edit | None:
    if _shares_lines(code, loop) or _edit.statement_lines(_at(code, loop)) is None:
        return None
    indent = code.source.splitlines()[loop.lineno - 1][: loop.col_offset]
    return _edit.Edit(code.path, loop.lineno, loop.end_lineno or loop.lineno, indent + text)
