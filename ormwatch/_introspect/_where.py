"""Reading a compiled WHERE tree: its lookups and the columns they test."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

_types: tuple[Any, Any] | None = None


def expression_types() -> tuple[Any, Any]:
    """Django's ``Col`` and ``Aggregate``, imported once on first use (not at import)."""
    global _types
    if _types is None:
        from django.db.models.aggregates import Aggregate
        from django.db.models.expressions import Col

        _types = (Col, Aggregate)
    return _types


def lookups(
    node: Any, in_or: bool = False, negated: bool = False
) -> Iterator[tuple[Any, bool, bool]]:
    """Every lookup in a WHERE tree, with whether it sits under an OR and a NOT."""
    children = getattr(node, "children", None)
    if children is None:
        if hasattr(node, "lookup_name") and hasattr(node, "lhs"):
            yield node, in_or, negated
        return
    branch_or = in_or or (getattr(node, "connector", "AND") == "OR" and len(children) > 1)
    branch_not = negated != bool(getattr(node, "negated", False))
    for child in children:
        yield from lookups(child, branch_or, branch_not)


def column(lookup: Any) -> tuple[str, Any, tuple[str, ...]] | None:
    """The (alias, field, transforms) a lookup's left side reads, if it is a column."""
    col = expression_types()[0]
    transforms: list[str] = []
    lhs = lookup.lhs
    while not isinstance(lhs, col) and hasattr(lhs, "lookup_name") and hasattr(lhs, "lhs"):
        transforms.append(str(lhs.lookup_name))
        lhs = lhs.lhs
    if not isinstance(lhs, col):
        return None
    return str(lhs.alias), lhs.target, tuple(reversed(transforms))
