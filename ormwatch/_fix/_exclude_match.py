"""The ``exclude()`` / ``~Q()`` calls behind a statement's ``NOT EXISTS`` subqueries.

Django writes one NOT EXISTS per keyword across a multi-valued relation:
``exclude(toppings__name="Basil", toppings__spicy=False)`` is
``NOT (EXISTS(... name = 'Basil') AND EXISTS(... NOT spicy))``, and a finding
groups the subqueries of one lookup, which several calls may have written
(``qs |= Pizza.objects.exclude(toppings__name="Chili")``). ``rewrites`` pairs
the negated keywords of the finding's condition written in the statements
behind the one that ran with the statement's subqueries of that condition:
as many keywords as subqueries, and, for an equality or ``__in`` on a literal
string or number, every value among the statement's parameters. Then every
statement holding such a keyword is rewritten whole (``_exists_edit``).
Refused (None) when they do not pair up exactly (a call the code does not
show, one that did not run), or one statement cannot be rewritten.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence

from ormwatch._fix import _exists, _exists_edit, _source
from ormwatch._fix._edit import Edit
from ormwatch._query import ImplicitSubquery, Query

_COMPARED = ("", "exact", "in")


def rewrites(
    query: Query, sub: ImplicitSubquery, codes: Sequence[_source.Code]
) -> list[tuple[_source.Code, Edit]] | None:
    """The edits of the statements whose negated keywords wrote ``sub``'s subqueries."""
    model = query.orm.model or ""
    ran = sum(
        1
        for s in query.orm.subqueries
        if (s.kind, s.relation, s.conditions) == ("exclude", sub.relation, sub.conditions)
    )
    written = 0
    chosen: list[_source.Code] = []
    seen: set[tuple[int, int]] = set()
    for code in codes:
        place = (code.statement.lineno, code.statement.col_offset)
        if place in seen:
            continue
        seen.add(place)
        mine = [
            (keyword, lookup)
            for keyword, lookup in _negated(code, model, sub.relation)
            if (_condition(lookup),) == sub.conditions
        ]
        if any(not _value_ran(k, lookup, query.params) for k, lookup in mine):
            return None
        written += len(mine)
        if mine:
            chosen.append(code)
    if written != ran or not chosen:
        return None
    found = []
    for code in chosen:
        edit = _exists_edit.rewrite(code, model, [sub.relation], negated=True)
        if edit is None:
            return None
        found.append((code, edit))
    return found


def _negated(code: _source.Code, model: str, path: str) -> list[tuple[ast.keyword, str]]:
    """The keywords across ``path`` under an odd number of negations (``exclude()``, ``~``)."""
    name = model.rsplit(".", 1)[-1]
    found = []
    for call, keyword, lookup in _exists.keywords_on(code, path):
        if not _exists_edit.other_model(code, call, name) and _is_negated(code, call):
            found.append((keyword, lookup))
    return found


def _is_negated(code: _source.Code, call: ast.Call) -> bool:
    negations = 0
    node: ast.AST = call
    if _exists.q_call(call):
        parent = code.parents.get(node)
        while isinstance(parent, (ast.BinOp, ast.UnaryOp)):
            negations += isinstance(parent, ast.UnaryOp) and isinstance(parent.op, ast.Invert)
            node, parent = parent, code.parents.get(parent)
        if not isinstance(parent, ast.Call) or node not in parent.args:
            return negations % 2 == 1
        call = parent
    excluded = isinstance(call.func, ast.Attribute) and call.func.attr == "exclude"
    return (negations + excluded) % 2 == 1


def _condition(lookup: str) -> str:
    """A keyword's lookup relative to the related model as Django's WHERE reads back."""
    return lookup[: -len("__exact")] if lookup.endswith("__exact") else lookup


def _value_ran(keyword: ast.keyword, lookup: str, params: object) -> bool:
    """The keyword's literal value is among the parameters, where it can be compared:
    an equality or ``__in`` on strings and numbers (a boolean may be no parameter at all)."""
    suffix = lookup.rpartition("__")[2] if "__" in lookup else ""
    if suffix not in _COMPARED or not isinstance(params, list):
        return True
    try:
        value = ast.literal_eval(keyword.value)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return True  # a name, a call: nothing to compare
    values = list(value) if suffix == "in" and isinstance(value, (list, tuple)) else [value]
    if not values or not all(_comparable(v) for v in values):
        return True
    texts = {str(p) for p in params}
    return all(v in params or str(v) in texts for v in values)


def _comparable(value: object) -> bool:
    return isinstance(value, (str, int, float)) and not isinstance(value, bool)
