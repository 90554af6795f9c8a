"""A write loop's fix: one ``bulk_create()`` for the loop (``_bulk_update``: after it).

Written only when the bulk call is provably the same writes, read from the
loop's source (the helpers here serve ``_bulk_update`` too):

- ``bulk_create``: the loop body is one statement that saves a new object
  built in it (``Notification(user=user, ...).save()``,
  ``Notification.objects.create(user=user, ...)``, or ``n = Notification(...)``
  then ``n.save()`` with ``n`` read nowhere else); the loop becomes
  ``Notification.objects.bulk_create([Notification(...) for user in users])``
  with the user's constructor call, loop variable and iterable.

Never when the model overrides ``save()``, has ``pre_save`` / ``post_save``
receivers (bulk methods call neither), inherits from a concrete model, or
(for ``bulk_update``) has an ``auto_now`` field ``save()`` would have set.
"""

from __future__ import annotations

import ast
from typing import Any

from ormwatch._fix import _chain, _compose, _edit, _source
from ormwatch._query import CallSite


def bulk_create(site: CallSite, model_label: str) -> tuple[str, _edit.Edit] | None:
    """The ``bulk_create()`` statement replacing the loop around ``site``, and its edit."""
    model = _compose.model_class(model_label)
    code = _source.code_at(site)
    if code is None or not plain_saves(model):
        return None
    loop = loop_of(code)
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


def plain_saves(model: Any) -> bool:
    """Bulk methods skip ``save()`` and its signals: only a model using neither qualifies."""
    if model is None:
        return False
    from django.db import models
    from django.db.models import signals

    if model.save is not models.Model.save or model._meta.parents:
        return False
    return not (signals.pre_save.has_listeners(model) or signals.post_save.has_listeners(model))


def loop_of(code: _source.Code) -> ast.For | None:
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
        if not saves(body[1], target.id) or len(code.loads(target.id)) != 1:
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
    if call.args or any(k.arg is None or queries(k.value) for k in call.keywords):
        return None
    arguments = ", ".join(f"{k.arg}={_source.text(code, k.value)}" for k in call.keywords)
    return f"{name}({arguments})"


def _constructs(node: ast.expr, name: str) -> bool:
    """``Model(...)``, with no query in its arguments (a query could read the rows the
    earlier iterations wrote, which bulk_create() writes only after them all)."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
        return False
    return node.func.id == name and not queries(node)


def queries(node: ast.AST) -> bool:
    return any(isinstance(n, ast.Attribute) and n.attr == "objects" for n in ast.walk(node))


def saves(statement: ast.stmt, variable: str) -> bool:
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


def at(code: _source.Code, statement: ast.stmt) -> _source.Code:
    return _source.Code(code.path, code.source, code.function, statement, code.parents)


def shares_lines(code: _source.Code, loop: ast.For) -> bool:
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
    if shares_lines(code, loop) or _edit.statement_lines(at(code, loop)) is None:
        return None
    indent = code.source.splitlines()[loop.lineno - 1][: loop.col_offset]
    return _edit.Edit(code.path, loop.lineno, loop.end_lineno or loop.lineno, indent + text)
