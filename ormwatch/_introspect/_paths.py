"""A compiled query's aliases as relation hops, named the way lookups name them.

``alias_map`` has one entry per table; a user thinks in relations. A
many-to-many is two tables (the through table and the target) but one name,
and one through an explicit model (``Member.banning`` through ``Ban``) is
named by the field, not by the through model's foreign keys, whenever the
query goes on from the through table to the target.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from ormwatch._introspect import _joins


@dataclass(eq=False)  # hashed by identity: one query may join the same path twice
class Hop:
    path: str
    model: Any
    aliases: list[str]
    multi_valued: bool
    through: str | None = None  # the through table's alias
    target_fk: str | None = None  # the through model's key to the target
    generic_fields: tuple[str, ...] = field(default=())


def alias_paths(query: Any, root_alias: str, root: Hop | None = None) -> dict[str, Hop]:
    """The hop each alias below ``root_alias`` belongs to, paths relative to it."""
    alias_map = query.alias_map
    children: dict[str, list[str]] = {}
    for alias, join in alias_map.items():
        parent = getattr(join, "parent_alias", None)
        if parent is not None:
            children.setdefault(parent, []).append(alias)
    hops: dict[str, Hop] = {}
    model_at: dict[str, Any] = {root_alias: query.model}
    if root is not None:
        top = replace(root, path="")
        for alias in root.aliases:
            hops[alias] = top
            model_at[alias] = root.model
        if root.through is not None:
            model_at[root.through] = None
    pending: dict[str, Hop] = {}  # through alias -> its many-to-many hop
    for alias, join in alias_map.items():
        parent = getattr(join, "parent_alias", None)
        if parent is None or alias in hops or parent not in model_at:
            continue
        join_field = join.join_field
        if parent in pending:
            hop = pending[parent]
            if join_field.name == hop.target_fk:
                hop.aliases.append(alias)
                hops[alias] = hop
                model_at[alias] = hop.model
                continue
        base = hops[parent].path if parent in hops else ""
        explicit = _explicit_m2m(model_at[parent], join_field, children.get(alias, ()), alias_map)
        name, into_through = _joins.segment(join_field)
        if explicit is not None or into_through:
            if explicit is not None:
                name, target, target_fk = explicit
            else:
                name, target, target_fk = _auto_m2m(join_field)
            hop = Hop(_join(base, name), target, [alias], True, through=alias, target_fk=target_fk)
            hops[alias] = pending[alias] = hop
            model_at[alias] = None
            continue
        reverse = _joins.is_reverse(join_field)
        multi = reverse and bool(getattr(join_field, "multiple", False))
        model = join_field.related_model
        if type(join_field).__name__ == "GenericRel":  # GenericRelation: named "+" otherwise
            name, model = str(join_field.field.name), join_field.model
        hops[alias] = Hop(_join(base, name), model, [alias], multi)
        model_at[alias] = model
    return hops


def m2m_hop(outer_model: Any, fk: Any, inner: Any, first: str) -> Hop:
    """The relation an exclude() subquery reaches from ``outer_model``, by its correlation key."""
    kids = [a for a, j in inner.alias_map.items() if getattr(j, "parent_alias", None) == first]
    if not getattr(fk, "is_relation", False):
        for relation in outer_model._meta.private_fields:
            if (
                type(relation).__name__ == "GenericRelation"
                and relation.related_model is fk.model
                and relation.object_id_field_name == fk.name
            ):
                fields = (relation.object_id_field_name, relation.content_type_field_name)
                return Hop(str(relation.name), fk.model, [first], True, generic_fields=fields)
        return Hop("", None, [first], True)
    through = fk.model
    found = (
        _auto_m2m(fk.remote_field)
        if through._meta.auto_created
        else _explicit_m2m(outer_model, fk.remote_field, kids, inner.alias_map)
    )
    if found is None:
        return Hop(str(fk.related_query_name()), through, [first], True)
    name, target, target_fk = found
    hop = Hop(name, target, [first], True, through=first, target_fk=target_fk)
    hop.aliases.extend(k for k in kids if inner.alias_map[k].join_field.name == target_fk)
    return hop


def condition(
    hop: Hop, col: tuple[str, Any, tuple[str, ...]], lookup: Any, relative: bool = False
) -> str | None:
    """A WHERE lookup as the user would write it: relative to the hop's model, or
    (``relative``) to the root of the paths, through the hop's path."""
    alias, target, transforms = col
    if alias == hop.through:
        if target.name != hop.target_fk:
            return None  # a column of the through table itself
        name = "pk"
    else:
        name = str(target.name)
    parts = [name, *transforms]
    if lookup.lookup_name != "exact":
        parts.append(str(lookup.lookup_name))
    if relative and hop.path:
        parts.insert(0, hop.path)
    return "__".join(parts)


def _join(base: str, name: str) -> str:
    return f"{base}__{name}" if base else name


def _auto_m2m(join_field: Any) -> tuple[str, Any, str]:
    # The hop into an auto-created through table; the hop out names it.
    through = join_field.related_model
    owner = through._meta.auto_created
    for m2m in owner._meta.local_many_to_many:
        if m2m.remote_field.through is through:
            if join_field.field.name == m2m.m2m_field_name():
                return str(m2m.name), m2m.related_model, str(m2m.m2m_reverse_field_name())
            return str(m2m.related_query_name()), m2m.model, str(m2m.m2m_field_name())
    return "", None, ""


def _explicit_m2m(
    parent_model: Any, join_field: Any, kids: Any, alias_map: Any
) -> tuple[str, Any, str] | None:
    """(name, target, key to target) when a reverse FK into an explicit through model
    is the first half of a many-to-many the query follows to its target."""
    if parent_model is None or not _joins.is_reverse(join_field):
        return None
    # By identity: hashing a relation object builds its whole identity tuple.
    key = (id(parent_model), id(join_field))
    if key not in _m2m_by_through:
        _m2m_by_through[key] = _through_m2m(parent_model, join_field)
    found = _m2m_by_through[key]
    if found is None or not any(alias_map[k].join_field.name == found[2] for k in kids):
        return None
    return found


# (model, reverse FK into a through model) -> the many-to-many it is half of:
# one entry per relation in the project, read from _meta once.
_m2m_by_through: dict[tuple[int, int], tuple[str, Any, str] | None] = {}


def _through_m2m(parent_model: Any, join_field: Any) -> tuple[str, Any, str] | None:
    through = join_field.related_model
    if through._meta.auto_created:
        return None
    key = join_field.field.name
    for m2m in parent_model._meta.many_to_many:
        if m2m.remote_field.through is through and m2m.m2m_field_name() == key:
            return str(m2m.name), m2m.related_model, str(m2m.m2m_reverse_field_name())
    for rel in parent_model._meta.related_objects:
        if rel.many_to_many and rel.through is through:
            m2m = rel.field
            if m2m.m2m_reverse_field_name() == key:
                return str(m2m.related_query_name()), m2m.model, str(m2m.m2m_field_name())
    return None
