"""How a join of a compiled query is named: the lookup path of each hop.

Shared by ``_paths`` (aliases as relation hops) and ``_shape`` (the relations
``select_related`` asked for, from the compiler's ``klass_info``).
"""

from __future__ import annotations

from typing import Any


def is_reverse(join_field: Any) -> bool:
    """Whether a join runs along a reverse relation (a related object, not a field)."""
    return bool(getattr(join_field, "auto_created", False)) and not getattr(
        join_field, "concrete", True
    )


def segment(join_field: Any) -> tuple[str, bool]:
    """The lookup name of one hop, and whether it is the hop into a through table."""
    if is_reverse(join_field):
        through = join_field.field.model
        if through._meta.auto_created:
            return "", True
        return str(join_field.name), False
    model = join_field.model
    owner = model._meta.auto_created
    if owner:
        # The hop out of an auto-created through table: name it by its M2M field.
        for field in owner._meta.local_many_to_many:
            if field.remote_field.through is model:
                forward = join_field.name == field.m2m_reverse_field_name()
                return (field.name if forward else field.related_query_name()), False
    return str(join_field.name), False


def select_related_paths(klass_info: Any) -> set[str]:
    """The lookup paths ``select_related`` filled, from the compiler's ``klass_info``."""
    paths: set[str] = set()

    def walk(info: Any, prefix: str) -> None:
        for related in info.get("related_klass_infos", ()):
            field = related["field"]
            name = field.related_query_name() if related.get("reverse") else field.name
            path = f"{prefix}__{name}" if prefix else name
            paths.add(path)
            walk(related, path)

    if klass_info:
        walk(klass_info, "")
    return paths
