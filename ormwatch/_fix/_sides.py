"""An ``OR`` of two relations that also says which side matched, in the same query.

``users = User.objects.filter(Q(banning=user) | Q(banned=user))`` followed by
``bans = set(user.banned.values_list("id", flat=True))`` and ``u.id in bans``
over the rows asks the database again for one side of the OR. The fix
annotates that side as an ``Exists()`` and filters on it
(``User.objects.annotate(banning_user=Exists(...)).filter(Q(banning_user=True)
| Exists(...))``), reads ``u.banning_user`` where the set was tested, and
deletes the set's statement: the same rows as the plain ``Exists()`` rewrite,
one query fewer.

The set is one side exactly when it is built from
``Model.objects.filter(<the side's keyword>=<its value>)`` or from the
related manager that is the same rows (``user.banned``: ``banned`` is the
reverse accessor of ``User.banning``, resolved through ``_meta``), as
``set(<qs>.values_list("id"|"pk", flat=True))`` or ``{x.id for x in <qs>}``.
Written only when every read of the set is ``<row>.id in s`` (or ``not in``)
with ``<row>`` a row of the OR queryset, the OR queryset is only iterated,
the side's value is assigned at most once, above both, and the annotation's
name clashes with nothing; else None (the plain ``Exists()`` rewrite stands).
"""

from __future__ import annotations

import ast
from typing import Any

from ormwatch._fix import (
    _behind,
    _chain,
    _compose,
    _edit,
    _exists,
    _exists_edit,
    _keyset,
    _lookup_edit,
    _partition,
    _source,
    _variables,
)
from ormwatch._query import CallSite

Labelled = tuple[CallSite, tuple[_edit.Edit, ...]]


def labelled(
    site: CallSite | None, origin: CallSite | None, model: str, paths: list[str]
) -> Labelled | None:
    """(origin, the edits of the OR's statement, the set's readers and the set), or None."""
    near = site or origin
    if near is None or len(paths) != 2:
        return None
    for code in _behind.statements_behind(site) + _behind.statements_behind(origin):
        edits = _labelled(code, model, paths)
        if edits is not None:
            return _behind.site_of(code, near), edits
    return None


def _labelled(code: _source.Code, model: str, paths: list[str]) -> tuple[_edit.Edit, ...] | None:
    statement = code.statement
    if not isinstance(statement, ast.Assign) or len(statement.targets) != 1:
        return None
    target = statement.targets[0]
    if not isinstance(target, ast.Name) or not _partition.only_iterated(code, target.id):
        return None
    chain = _chain.take_apart(code, statement.value)
    klass = _compose.model_class(model)
    if chain is None or klass is None or chain.root != klass.__name__ or not chain.links:
        return None
    if chain.links[0].args is not None or chain.links[0].name != klass._default_manager.name:
        return None  # a related manager's rows are the default manager's
    spans = _exists_edit.spans(code, model, paths, negated=False)
    if not spans:
        return None
    for side in _or_sides(code, statement, paths):
        found = _set_of_side(code, klass, side, statement, target.id)
        if found is None:
            continue
        set_statement, reads = found
        edits = _edits(code, model, side, spans, set_statement, reads)
        if edits is not None:
            return edits
    return None


def _or_sides(code: _source.Code, statement: ast.stmt, paths: list[str]) -> list[ast.Call]:
    """Each side ``Q(<path>=<name>)`` of ``filter(Q(...) | Q(...))``."""
    found: list[ast.Call] = []
    for node in ast.walk(statement):
        if not (isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr)):
            continue
        call = code.parents.get(node)
        if not isinstance(call, ast.Call) or call.args != [node] or call.keywords:
            continue
        if not isinstance(call.func, ast.Attribute) or call.func.attr != "filter":
            continue
        left, right = node.left, node.right
        if not (isinstance(left, ast.Call) and isinstance(right, ast.Call)):
            continue
        for side in (left, right):
            if _exists.q_call(side) and not side.args and len(side.keywords) == 1:
                keyword = side.keywords[0]
                if keyword.arg in paths and isinstance(keyword.value, ast.Name):
                    found.append(side)
    return found


def _set_of_side(
    code: _source.Code, klass: Any, side: ast.Call, or_statement: ast.stmt, rows: str
) -> tuple[ast.Assign, list[tuple[ast.Compare, ast.Name]]] | None:
    """The statement that builds the set of ``side``'s keys, and its reads (all membership tests
    of a row of ``rows``), or None."""
    keyword = side.keywords[0]
    assert isinstance(keyword.value, ast.Name)
    value = keyword.value.id
    if len([n for n in ast.walk(code.function) if _keyset.stores(n, value)]) > 1:
        return None
    for statement in ast.walk(code.function):
        if not isinstance(statement, ast.Assign) or len(statement.targets) != 1:
            continue
        target = statement.targets[0]
        if not isinstance(target, ast.Name) or not code.is_local(target.id):
            continue
        queryset = _keyset.keys_of(klass, statement.value)
        if queryset is None or not _keyset.same_rows(code, klass, queryset, keyword):
            continue
        stores = [n for n in ast.walk(code.function) if _keyset.stores(n, target.id)]
        reads = _keyset.membership_reads(code, klass, target.id, rows)
        later = min(statement.lineno, or_statement.lineno)
        value_stores = [n.lineno for n in ast.walk(code.function) if _keyset.stores(n, value)]
        if len(stores) == 1 and reads and all(line < later for line in value_stores):
            return statement, reads
    return None


def _edits(
    code: _source.Code,
    model: str,
    side: ast.Call,
    spans: list[_edit.Span],
    set_statement: ast.Assign,
    reads: list[tuple[ast.Compare, ast.Name]],
) -> tuple[_edit.Edit, ...] | None:
    keyword = side.keywords[0]
    assert isinstance(keyword.value, ast.Name)
    name = f"{keyword.arg}_{keyword.value.id}"
    if not name.isidentifier() or _partition.taken(code, model, name):
        return None
    start = (side.lineno, side.col_offset)
    exists = next((s[2] for s in spans if s[0] == start), None)
    call = code.parents.get(code.parents.get(side) or side)
    if exists is None or not isinstance(call, ast.Call) or not isinstance(call.func, ast.Attribute):
        return None
    before = call.func.value
    at = (before.end_lineno or before.lineno, before.end_col_offset or 0)
    rewritten = [s for s in spans if s[0] != start]
    rewritten += [
        (start, (side.end_lineno or side.lineno, side.end_col_offset or 0), f"Q({name}=True)"),
        (at, at, f".annotate({name}={exists})"),
    ]
    edits = [_edit.rewrite_spans(code, rewritten)]
    by_statement: dict[int, tuple[ast.stmt, list[_edit.Span]]] = {}
    for compare, row in reads:
        statement = _variables.statement_of(code, compare)
        negated = isinstance(compare.ops[0], ast.NotIn)
        text = f"not {row.id}.{name}" if negated else f"{row.id}.{name}"
        end = (compare.end_lineno or compare.lineno, compare.end_col_offset or 0)
        entry = by_statement.setdefault(id(statement), (statement, []))
        entry[1].append(((compare.lineno, compare.col_offset), end, text))
    for statement, found in by_statement.values():
        edits.append(_edit.rewrite_spans(_behind.at(code, statement), found))
    # The set is no longer read: it goes, with the comment lines about it.
    edits.append(_lookup_edit.deletion(_behind.at(code, set_statement)))
    if any(e is None for e in edits):
        return None
    return tuple(e for e in edits if e is not None)
