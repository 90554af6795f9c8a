"""The joins of a compiled query and why each one is there.

Read from the ``SQLCompiler`` frame after compilation: ``alias_map`` holds
every join, ``klass_info`` the ones ``select_related`` asked for, and the
WHERE tree the aliases filters touch.
"""

from __future__ import annotations

from typing import Any

from ormwatch._query import Join


def joins(compiler: Any) -> tuple[Join, ...]:
    query = compiler.query
    alias_map = query.alias_map
    if len(alias_map) < 2:
        return ()
    selected = _select_related_paths(getattr(compiler, "klass_info", None))
    filtered = _where_aliases(query.where)
    paths: dict[str, tuple[str, ...]] = {}
    found: list[Join] = []
    for alias, join in alias_map.items():
        parent = getattr(join, "parent_alias", None)
        if parent is None:  # the base table
            paths[alias] = ()
            continue
        join_field = join.join_field
        segment, through_hop = _segment(join_field)
        base = paths.get(parent, ())
        paths[alias] = base if through_hop else (*base, segment)
        if through_hop:
            continue
        # A hop out of a through table or along a reverse FK repeats rows.
        many = _after_through(join) or (
            _is_reverse(join_field) and bool(getattr(join_field, "multiple", False))
        )
        path = "__".join(paths[alias])
        relation = getattr(join, "filtered_relation", None)
        found.append(
            Join(
                path=path,
                table=str(join.table_name),
                alias=str(alias),
                join_type=str(join.join_type),
                multi_valued=many,
                select_related=path in selected,
                filtered=alias in filtered,
                filtered_relation=str(relation.alias) if relation is not None else None,
            )
        )
    return tuple(found)


def _is_reverse(join_field: Any) -> bool:
    return bool(getattr(join_field, "auto_created", False)) and not getattr(
        join_field, "concrete", True
    )


def _segment(join_field: Any) -> tuple[str, bool]:
    """The lookup name of one hop, and whether it is the hop into a through table."""
    if _is_reverse(join_field):
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


def _after_through(join: Any) -> bool:
    join_field = join.join_field
    return not _is_reverse(join_field) and bool(join_field.model._meta.auto_created)


def _select_related_paths(klass_info: Any) -> set[str]:
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


def _where_aliases(node: Any) -> set[str]:
    aliases: set[str] = set()
    stack = [node]
    while stack:
        item = stack.pop()
        alias = getattr(item, "alias", None)
        if isinstance(alias, str) and hasattr(item, "target"):
            aliases.add(alias)
        children = getattr(item, "children", None)
        if children is not None:
            stack.extend(children)
            continue
        getter = getattr(item, "get_source_expressions", None)
        if getter is not None and not hasattr(item, "alias_map"):
            stack.extend(e for e in getter() if e is not None)
    return aliases
