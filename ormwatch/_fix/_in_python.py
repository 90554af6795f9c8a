"""``obj.rel.filter(...)`` on prefetched rows, rewritten to filter them in Python.

Only ``.all()`` reads a prefetch cache; ``.filter()`` and ``.exclude()`` query
again, once per object. The rewrite keeps the user's lookups and values:
``book.reviews.filter(stars=5)`` becomes
``[review for review in book.reviews.all() if review.stars == 5]``. It is
written only when every lookup has a Python twin with the same answer: a
local field (no hop to another table, which would query per row), a lookup
this module knows, and a field that cannot be NULL where a comparison with
``None`` would raise. Otherwise there is no edit, and the message says what
to do.
"""

from __future__ import annotations

import ast
from typing import Any

from ormwatch._fix import _edit, _source
from ormwatch._query import CallSite

_METHODS = ("filter", "exclude")
# lookup -> condition template over {row} (the field's value) and {value}
_LOOKUPS = {
    "exact": "{row} == {value}",
    "contains": "{value} in {row}",
    "icontains": "{value}.lower() in {row}.lower()",
    "startswith": "{row}.startswith({value})",
    "endswith": "{row}.endswith({value})",
    "istartswith": "{row}.lower().startswith({value}.lower())",
    "iendswith": "{row}.lower().endswith({value}.lower())",
    "iexact": "{row}.lower() == {value}.lower()",
    "gt": "{row} > {value}",
    "gte": "{row} >= {value}",
    "lt": "{row} < {value}",
    "lte": "{row} <= {value}",
    "in": "{row} in {value}",
}
_CONSTANTS = {"True": "{row}", "False": "not {row}", "None": "{row} is None"}
_TEXT_LOOKUPS = frozenset(
    {"contains", "icontains", "startswith", "endswith", "istartswith", "iendswith", "iexact"}
)
# Where the database ignores case, the Python twin must too: SQLite's LIKE
# ignores the case of ASCII letters (its contains is icontains), and MySQL's
# and MariaDB's default collations compare with = case-insensitively.
_CASELESS = {
    "sqlite": {"contains": "icontains", "startswith": "istartswith", "endswith": "iendswith"},
    "mysql": {"exact": "iexact"},
}


def rewrite(site: CallSite, field: str, model: Any, vendor: str) -> _edit.Rewritten | None:
    """The statement at ``site`` with its one ``x.<field>.filter(...)`` filtering in Python."""
    code = _source.code_at(site)
    if code is None or model is None:
        return None
    calls = [
        n
        for root in _source.header(code)
        for n in ast.walk(root)
        if isinstance(n, ast.Call)
        and isinstance(n.func, ast.Attribute)
        and n.func.attr in _METHODS
        and isinstance(n.func.value, ast.Attribute)
        and n.func.value.attr == field
    ]
    if len(calls) != 1 or calls[0].args:
        return None
    call = calls[0]
    assert isinstance(call.func, ast.Attribute)
    taken = {n.id for n in ast.walk(code.statement) if isinstance(n, ast.Name)}
    row = model._meta.model_name
    while row in taken:
        row += "_row"
    conditions = []
    for keyword in call.keywords:
        value = _source.text(code, keyword.value)
        if keyword.arg is None or value is None:
            return None
        condition = _condition(model, keyword.arg, value, row, vendor)
        if condition is None:
            return None
        conditions.append(condition)
    if not conditions:
        return None
    test = " and ".join(conditions)
    if call.func.attr == "exclude":
        test = f"not ({test})"
    manager = _source.text(code, call.func.value)
    comprehension = f"[{row} for {row} in {manager}.all() if {test}]"
    return _edit.rewritten(code, site.line, [(call, comprehension)])


def _condition(model: Any, lookup: str, value: str, row: str, vendor: str) -> str | None:
    name, _, kind = lookup.partition("__")
    kind = kind or "exact"
    if "__" in kind or (kind not in _LOOKUPS and kind != "isnull"):
        return None
    try:
        field = model._meta.get_field("pk" if name == "pk" else name)
    except Exception:
        field = None
    if name == "pk":
        field = model._meta.pk
    if field is None or not getattr(field, "concrete", False) or field.is_relation:
        return None  # a hop to another table would query once per row
    attribute = f"{row}.{field.attname}"
    if kind == "isnull":
        literal = _source.literal(value)
        if not isinstance(literal, bool):
            return None
        return f"{attribute} is None" if literal else f"{attribute} is not None"
    if kind == "exact" and value in _CONSTANTS:
        return _CONSTANTS[value].format(row=attribute)
    if field.null and kind != "exact":
        return None  # None > 5 raises where SQL says false
    if isinstance(_source.literal(value), str):
        kind = _CASELESS.get(vendor, {}).get(kind, kind)
    if kind in _TEXT_LOOKUPS and not isinstance(_source.literal(value), str):
        return None  # a value whose type the rewrite cannot see
    return _LOOKUPS[kind].format(row=attribute, value=value)
