"""A per-object count's lookups as the ``Count(..., filter=Q(...))`` that counts them.

``c.product_set.filter(name__startswith="x").exclude(price=0).count()`` reads as
``Count("product", filter=Q(product__name__startswith="x") & ~Q(product__price=0))``:
each lookup prefixed with the relation's query name, each value as the user wrote it.
Refused, with the reason, for a Q object or ``**kwargs`` in ``filter()``, a lookup across
a multi-valued relation (a row per match) or, in ``exclude()``, across any relation,
and a value that cannot be evaluated once where the list is built.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Any

from ormwatch._fix import _source
from ormwatch._query import CallSite

_NARROWING = frozenset({"all", "filter", "exclude"})


@dataclass(frozen=True)
class Trigger:
    call: ast.Call  # the .count() call
    variable: ast.Name  # c, in c.product_set.count()
    accessor: str  # product_set
    narrowing: list[ast.Call]  # filter() / exclude() / all(), in order


@dataclass(frozen=True)
class Target:
    model: Any
    related: Any
    query_name: str  # product: what Count() and lookups name
    accessor: str  # product_set: the manager

    def base(self, terms: list[str]) -> str:
        return f"matching_{self.accessor}_count" if terms else f"{self.accessor}_count"


def triggers(root: ast.AST) -> list[Trigger]:
    """Every ``x.<name>.filter(...).count()`` under ``root``, in source order."""
    found: list[Trigger] = []
    for node in ast.walk(root):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        if node.func.attr != "count" or node.args or node.keywords:
            continue
        narrowing: list[ast.Call] = []
        current = node.func.value
        while (
            isinstance(current, ast.Call)
            and isinstance(current.func, ast.Attribute)
            and current.func.attr in _NARROWING
        ):
            narrowing.append(current)
            current = current.func.value
        if isinstance(current, ast.Attribute) and isinstance(current.value, ast.Name):
            found.append(Trigger(node, current.value, current.attr, narrowing[::-1]))
    return sorted(found, key=lambda t: (t.call.lineno, t.call.col_offset))


def spans(node: ast.AST, site: CallSite) -> bool:
    start = getattr(node, "lineno", 0)
    return bool(start <= site.line <= (getattr(node, "end_lineno", None) or start))


def terms(
    code: _source.Code, trigger: Trigger, target: Target, defined: int | None
) -> list[str] | str:
    """The ``Q()`` terms of the trigger's ``filter()`` / ``exclude()``, or why none can be.

    ``defined``: the line of the statement that builds the list, in the trigger's
    function (None: another function); a value may read only names set above it.
    """
    found: list[str] = []
    for call in trigger.narrowing:
        method = call.func.attr if isinstance(call.func, ast.Attribute) else ""
        if call.args or any(k.arg is None for k in call.keywords):
            return f"{method}() is given a Q object or **kwargs, not lookups"
        parts: list[str] = []
        for keyword in call.keywords:
            lookup, value = str(keyword.arg), _source.text(code, keyword.value)
            problem = _lookup_problem(target.related, lookup, method == "exclude")
            problem = problem or _value_problem(code, keyword.value, defined)
            if problem is not None or value is None:
                return problem or f"the value of {lookup} cannot be read"
            parts.append(f"{target.query_name}__{lookup}={value}")
        if parts:
            q = f"Q({', '.join(parts)})"
            found.append(f"~{q}" if method == "exclude" else q)
    return found


def count(query_name: str, terms: list[str]) -> str:
    if not terms:
        return f'Count("{query_name}")'
    return f'Count("{query_name}", filter={" & ".join(terms)})'


def free_name(model: Any, base: str, taken: set[str]) -> str:
    """``base``, or ``base_2``...: no field, attribute or annotation in ``taken`` has it."""
    fields = {n for f in model._meta.get_fields() for n in (f.name, getattr(f, "attname", f.name))}
    used = fields | taken
    name, number = base, 2
    while name in used or hasattr(model, name):
        name, number = f"{base}_{number}", number + 1
    return name


def _lookup_problem(model: Any, lookup: str, negated: bool) -> str | None:
    from django.core.exceptions import FieldDoesNotExist

    opts = model._meta
    for index, part in enumerate(lookup.split("__")):
        if part == "pk":
            return None
        try:
            field = opts.get_field(part)
        except FieldDoesNotExist:
            # After the first name: a lookup or a transform (name__startswith).
            return None if index else f"{lookup} names no field of {opts.object_name}"
        if not field.is_relation:
            return None
        if field.many_to_many or field.one_to_many:
            return (
                f"{lookup} crosses {opts.object_name}.{part}, a multi-valued relation "
                f"(a Count across it counts a row per match)"
            )
        if negated:
            return f"exclude() on {lookup} crosses a relation"
        opts = field.related_model._meta
    return None


def _value_problem(code: _source.Code, value: ast.expr, defined: int | None) -> str | None:
    """Why ``value`` cannot be evaluated once, where the list is built (None: it can)."""
    for node in ast.walk(value):
        if not isinstance(node, ast.Name):
            continue
        if node.id in ("F", "OuterRef"):
            return f"a value reads the counted rows ({node.id}())"
        stores = [
            n.lineno
            for n in ast.walk(code.function)
            if isinstance(n, ast.Name) and n.id == node.id and isinstance(n.ctx, ast.Store)
        ]
        if defined is None:
            if stores or _is_parameter(code, node.id):
                return f"{node.id} is not known where the list is built"
        elif any(line >= defined for line in stores):
            return f"{node.id} is set after the list is built, or per object"
    return None


def _is_parameter(code: _source.Code, name: str) -> bool:
    args = getattr(code.function, "args", None)
    return isinstance(args, ast.arguments) and any(
        isinstance(a, ast.arg) and a.arg == name for a in ast.walk(args)
    )
