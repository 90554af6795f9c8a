"""Whether a multi-valued join can repeat a row, read from the models' uniqueness.

A join across a reverse foreign key or a many-to-many brings one row per
matching related row. When the filter's equality conditions on that relation,
with the key back to the row it hangs off, cover a unique set of the related
model (its primary key, a ``unique`` field, ``unique_together``, a
``UniqueConstraint`` without a condition or expressions), at most one related
row matches: ``STeam.objects.filter(memberships__person=bob)`` cannot repeat a
team when (person, team) is unique. A single-valued hop below it that is
pinned to one row the same way pins its foreign key too
(``memberships__person__username="bob"`` with a unique username).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from ormwatch._query import JoinedRelation


@lru_cache(maxsize=1024)
def at_most_one(
    root: str | None, relation: JoinedRelation, joined: tuple[JoinedRelation, ...]
) -> bool:
    """Whether ``relation`` (multi-valued) matches at most one row per row it hangs off."""
    if _only_missing(relation):
        return True
    parent = _model_at(root, relation.path.rsplit("__", 1)[0] if "__" in relation.path else "")
    field = _field(parent, relation.path.rsplit("__", 1)[-1])
    if field is None or not isinstance(field.related_model, type):
        return False
    target = field.related_model
    pinned = _pinned(target, relation, joined)
    if field.many_to_many:
        # The reverse side (ManyToManyRel) holds the through model; the field's rel does.
        through = getattr(field, "through", None) or field.remote_field.through
        keys = {f.name for f in through._meta.fields if f.is_relation}
        # One target row, and one through row per (source, target) pair.
        return _unique_over(target, pinned) and _unique_over(through, keys)
    if field.one_to_many and hasattr(field, "field") and field.field.concrete:
        return _unique_over(target, pinned | {str(field.field.name)})
    return False  # a generic relation, or what cannot be read: it may repeat


def _only_missing(relation: JoinedRelation) -> bool:
    """``filter(tags=None)``: a LEFT JOIN kept only where no related row matched.

    Each row then meets the join once, as NULLs: nothing repeats. (With
    ``isnull=False`` Django joins INNER, and under an OR another branch may
    keep the matched rows.)
    """
    return (
        relation.outer
        and "or" not in relation.uses
        and bool(relation.conditions)
        and all(c == "isnull" or c.endswith("__isnull") for c in relation.conditions)
    )


def _pinned(
    model: Any, relation: JoinedRelation, joined: tuple[JoinedRelation, ...], depth: int = 0
) -> set[str]:
    """The fields of ``model`` that ``relation``'s conditions fix to one value."""
    if "or" in relation.uses or depth > 5:
        return set()  # a condition under an OR fixes nothing
    names = {c for c in relation.conditions if "__" not in c}
    for child in joined:
        if child.multi_valued or child.via not in relation.aliases:
            continue
        name = child.path[len(relation.path) + 2 :] if relation.path else child.path
        field = _field(model, name)
        if field is None or not field.concrete or not isinstance(field.related_model, type):
            continue
        if _unique_over(
            field.related_model, _pinned(field.related_model, child, joined, depth + 1)
        ):
            names.add(str(field.name))
    return names


def _unique_over(model: Any, names: set[str]) -> bool:
    """Whether fixing ``names`` of ``model`` leaves at most one row."""
    meta = model._meta
    names = {meta.pk.name if n == "pk" else n for n in names}
    if not names:
        return False
    sets: list[set[str]] = [{f.name} for f in meta.concrete_fields if f.unique]
    sets += [set(fields) for fields in meta.unique_together]
    for constraint in meta.total_unique_constraints:  # no condition, no expressions
        sets.append(set(constraint.fields))
    return any(s and s <= names for s in sets)


def _model_at(root: str | None, path: str) -> Any:
    from django.apps import apps

    try:
        model: Any = apps.get_model(root) if root else None
    except (LookupError, ValueError):
        return None
    for segment in path.split("__") if path else ():
        field = _field(model, segment)
        model = field.related_model if field is not None else None
        if not isinstance(model, type):
            return None
    return model


def _field(model: Any, name: str) -> Any:
    from django.core.exceptions import FieldDoesNotExist

    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
