"""``if qs: obj = Model.objects.get(...)``: fetch the one row once, with ``first()``.

``if Blog.objects.filter(name="x"):`` fetches every matching row to test for
one, and the branch then asks again with ``get(name="x")``. When the filter is
one exact lookup on a unique field (or the key), at most one row matches, so
``first()`` returns the row ``get()`` would and ``None`` where the ``if`` was
false; the branch runs on ``if blog is not None:``. Written only when the
variable is assigned nowhere else and read only inside the branch (it is now
``None`` where the code left it unset), and the branch has more than the
``get()`` to run.
"""

from __future__ import annotations

import ast
from typing import Any

from ormwatch._fix import _chain, _compose, _edit, _source


def first_instead(code: _source.Code, test: ast.expr, model_label: str) -> _edit.Rewritten | None:
    statement = code.statement
    if not isinstance(statement, ast.If) or statement.test is not test or len(statement.body) < 2:
        return None
    fetched = statement.body[0]
    if not isinstance(fetched, ast.Assign) or len(fetched.targets) != 1:
        return None
    target = fetched.targets[0]
    if not isinstance(target, ast.Name) or fetched.lineno <= statement.lineno:
        return None
    tested = _chain.take_apart(code, test)
    got = _chain.take_apart(code, fetched.value)
    if tested is None or got is None or tested.root != got.root:
        return None
    if [x.name for x in tested.links] != ["objects", "filter"]:
        return None
    if [x.name for x in got.links] != ["objects", "get"]:
        return None
    if tested.links[1].args != got.links[1].args or not _unique(model_label, tested.links[1].args):
        return None
    if not _only_in(code, target.id, statement):
        return None
    queryset = _source.text(code, test)
    if queryset is None:
        return None
    lines = code.source.splitlines()
    indent = lines[statement.lineno - 1][: statement.col_offset]
    text = f"{indent}{target.id} = {queryset}.first()\n{indent}if {target.id} is not None:"
    end = fetched.end_lineno or fetched.lineno
    if any(n.lineno <= end for n in statement.body[1:]):
        return None  # the next statement shares the get()'s line
    edit = _edit.Edit(code.path, statement.lineno, end, text)
    return _edit.Rewritten(_edit.shown(edit), edit)


def _unique(model_label: str, args: list[tuple[str | None, str]] | None) -> bool:
    """One exact lookup on the key or a unique field: at most one row matches."""
    model: Any = _compose.model_class(model_label)
    if model is None or not args or len(args) != 1 or args[0][0] is None:
        return False
    name = args[0][0]
    if name in ("pk", "pk__exact"):
        return True
    from django.core.exceptions import FieldDoesNotExist

    try:
        field = model._meta.get_field(name.removesuffix("__exact"))
    except FieldDoesNotExist:
        return False
    return bool(field.unique) and not field.is_relation


def _only_in(code: _source.Code, name: str, statement: ast.If) -> bool:
    """``name`` is assigned once (in the branch's first line) and read only in the branch."""
    stores = [
        n
        for n in ast.walk(code.function)
        if isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Store)
    ]
    inside = {id(n) for s in statement.body for n in ast.walk(s)}
    reads = code.loads(name)
    return len(stores) == 1 and code.is_local(name) and all(id(n) in inside for n in reads)
