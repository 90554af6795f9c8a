"""Model relations by the names user code uses, read from ``_meta``."""

from __future__ import annotations

from typing import Any

from ormwatch._query import Relation

_by_name: dict[tuple[type, str], Any] = {}


def label(model: Any) -> str:
    return str(model._meta.label)


def accessor(field: Any) -> str:
    """The attribute name on the model instance (``post.category``, ``blog.category``)."""
    if field.auto_created and not field.concrete:
        return str(field.get_accessor_name())
    return str(field.name)


def relation_kind(field: Any) -> str:
    reverse = field.auto_created and not field.concrete
    if getattr(field, "is_relation", False) is False:
        return "deferred"
    if type(field).__name__ == "GenericForeignKey":
        return "generic_fk"
    if type(field).__name__ == "GenericRelation":
        return "generic_relation"
    if field.many_to_many:
        return "reverse_m2m" if reverse else "m2m"
    if field.one_to_one:
        return "reverse_o2o" if reverse else "forward_o2o"
    if field.one_to_many:
        return "reverse_fk"
    return "forward_fk"


def relation(model: Any, field: Any) -> Relation:
    related = getattr(field, "related_model", None)
    return Relation(
        model=label(model),
        field=accessor(field),
        kind=relation_kind(field),
        related_model=label(related) if isinstance(related, type) else None,
    )


def find(model: type, name: str) -> Any:
    """The field or reverse relation reached as ``instance.<name>``, or None."""
    key = (model, name)
    if key not in _by_name:
        found = None
        for field in model._meta.get_fields():  # type: ignore[attr-defined]
            if accessor(field) == name:
                found = field
                break
        _by_name[key] = found
    return _by_name[key]


def prefetch_cache_name(field: Any) -> str:
    """The key Django uses in ``instance._prefetched_objects_cache``."""
    if field.many_to_many and field.auto_created and not field.concrete:
        return str(field.field.related_query_name())
    return accessor(field)


def manager_relation(instance: Any, queryset: Any) -> Any:
    """The reverse-FK, M2M or generic relation whose manager built ``queryset``."""
    target = queryset.model
    for fk in getattr(queryset, "_known_related_objects", {}):
        rel = getattr(fk, "remote_field", None)
        if rel is not None and isinstance(instance, rel.model):
            return rel
    candidates = [
        f
        for f in type(instance)._meta.get_fields()
        if (f.many_to_many or f.one_to_many)
        and isinstance(f.related_model, type)
        and issubclass(target, f.related_model)
    ]
    if len(candidates) <= 1:
        return candidates[0] if candidates else None
    return _m2m_by_join(candidates, queryset.query) or candidates[0]


def _m2m_by_join(candidates: list[Any], query: Any) -> Any:
    # A many-to-many manager filters through the through table; the foreign
    # key it joins on says which side (and so which relation) it came from.
    for join in query.alias_map.values():
        join_field = getattr(join, "join_field", None)
        fk = getattr(join_field, "field", None)
        if fk is None:
            continue
        for candidate in candidates:
            if not candidate.many_to_many:
                continue
            m2m = candidate.field if candidate.auto_created else candidate
            if m2m.remote_field.through is not fk.model:
                continue
            forward_side = fk.name == m2m.m2m_reverse_field_name()
            if forward_side != bool(candidate.auto_created):
                return candidate
    return None


def generic_relation(queryset: Any) -> tuple[Any, Any] | None:
    """A GenericRelation manager's queryset carries no instance hint; read its WHERE.

    Returns the ``GenericRelation`` field and the owning object's pk, or None.
    """
    candidates = generic_relations_to(queryset.model)
    if not candidates:
        return None
    exact = _exact_lookups(queryset.__dict__.get("_query"))
    for field in candidates:
        object_id = exact.get(field.object_id_field_name)
        content_type = exact.get(field.content_type_field_name) or exact.get(
            f"{field.content_type_field_name}_id"
        )
        if object_id is None or content_type is None:
            continue
        ct = _cached_content_type(content_type)
        if ct is None or ct.model_class() in (field.model, None):
            return field, object_id
    return None


_generic_by_target: dict[type, list[Any]] = {}


def generic_relations_to(model: type) -> list[Any]:
    if model not in _generic_by_target:
        from django.apps import apps

        _generic_by_target[model] = [
            f
            for m in apps.get_models()
            for f in m._meta.private_fields
            if type(f).__name__ == "GenericRelation" and f.related_model is model
        ]
    return _generic_by_target[model]


def _exact_lookups(query: Any) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for child in getattr(getattr(query, "where", None), "children", ()):
        target = getattr(getattr(child, "lhs", None), "target", None)
        if getattr(child, "lookup_name", None) == "exact" and target is not None:
            found[target.name] = child.rhs
            found[target.attname] = child.rhs
    return found


def _cached_content_type(value: Any) -> Any:
    # Only ContentType's own cache: a look-up here must never issue a query.
    from django.contrib.contenttypes.models import ContentType

    pk = getattr(value, "pk", value)
    for cache in getattr(ContentType.objects, "_cache", {}).values():
        if pk in cache:
            return cache[pk]
    return None
