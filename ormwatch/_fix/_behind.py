"""The statements behind a statement: where the names it reads were set.

The statement that ran (``rows = [c.name for c in without_quis]``) is rarely
the one that wrote the queryset (``without_quis = modi.exclude(...)``):
``statements_behind`` follows the local variables a statement reads back to
their assignment, through ``name |= ...`` lines to the first ``name = ...``
when they run in order in one block. A name set elsewhere (a branch, a loop,
twice) is not followed: which value reached the statement is not known.
"""

from __future__ import annotations

import ast

from ormwatch._fix import _source
from ormwatch._query import CallSite

_DEPTH = 6


def statements_behind(site: CallSite | None) -> list[_source.Code]:
    """The statement at ``site``, then the assignment of each local name it reads (through
    ``name |= ...`` lines to the first one), and so on."""
    code = _source.code_at(site) if site is not None else None
    if code is None:
        return []
    found = [code]
    seen = {id(code.statement)}
    index = 0
    while index < len(found) and len(found) < _DEPTH:
        current = found[index]
        index += 1
        for name in _reads(current):
            assign = _last_set(code, name, current.statement.lineno)
            if assign is not None and id(assign) not in seen:
                seen.add(id(assign))
                found.append(at(code, assign))
    return found


def _reads(code: _source.Code) -> list[str]:
    """The names a statement reads: ``name |= ...`` reads ``name`` too."""
    names = [
        node.id
        for root in _source.header(code)
        for node in ast.walk(root)
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)
    ]
    target = getattr(code.statement, "target", None)
    if isinstance(code.statement, ast.AugAssign) and isinstance(target, ast.Name):
        names.insert(0, target.id)
    return names


def _last_set(code: _source.Code, name: str, before: int) -> ast.stmt | None:
    """The statement that last set the local ``name`` above line ``before``: its one
    assignment, or the last of ``name = ...`` and the ``name |= ...`` lines after it in the
    same block (run in order, each reading the one before)."""
    single = assignment(code, name, before)
    if single is not None or not code.is_local(name):
        return single
    stores = [
        n
        for n in ast.walk(code.function)
        if isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Store)
    ]
    statements = sorted(
        (code.parents.get(n) for n in stores), key=lambda s: getattr(s, "lineno", 0)
    )
    first, *rest = statements
    if not (
        isinstance(first, ast.Assign) and len(first.targets) == 1 and first.targets[0] in stores
    ):
        return None
    if not rest or not all(isinstance(s, ast.AugAssign) and s.target in stores for s in rest):
        return None
    block = _block(code, first)
    if block is None or any(_block(code, s) is not block for s in rest):
        return None
    above = [s for s in statements if isinstance(s, ast.stmt) and s.lineno < before]
    return above[-1] if above else None


def _block(code: _source.Code, statement: ast.AST | None) -> list[ast.stmt] | None:
    """The list of statements ``statement`` is one of (a body, an ``else``)."""
    parent = code.parents.get(statement) if statement is not None else None
    for field in ("body", "orelse", "finalbody"):
        block = getattr(parent, field, None)
        if isinstance(block, list) and statement in block:
            return block
    return None


def assignment(code: _source.Code, name: str, before: int) -> ast.stmt | None:
    """``name = ...``, the one assignment of the local ``name``, if it is above line ``before``."""
    stores = [
        n
        for n in ast.walk(code.function)
        if isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Store)
    ]
    if len(stores) != 1 or not code.is_local(name) or stores[0].lineno >= before:
        return None
    assign = code.parents.get(stores[0])
    if isinstance(assign, ast.Assign) and assign.targets == [stores[0]]:
        return assign
    return None


def at(code: _source.Code, statement: ast.stmt) -> _source.Code:
    return _source.Code(code.path, code.source, code.function, statement, code.parents)


def site_of(code: _source.Code, near: CallSite) -> CallSite:
    """The statement's first line as a call site (the origin a finding names)."""
    line = code.statement.lineno
    text = code.source.splitlines()[line - 1].strip() if code.source else ""
    return CallSite(code.path, line, near.function, text, "python")
