"""Model relations by the names user code uses, read from ``_meta``."""

from __future__ import annotations

from typing import Any, NamedTuple

from ormwatch._query import Relation

# (model, name, by query name?) -> the field, or None: read from _meta once.
_by_name: dict[tuple[type, str, bool], Any] = {}


def label(model: Any) -> str:
    return str(model._meta.label)


def accessor(field: Any) -> str:
    """The attribute name on the model instance (``post.category``, ``blog.category``)."""
    if field.auto_created and not field.concrete:
        return str(field.get_accessor_name())
    return str(field.name)


def is_a(field: Any, class_name: str) -> bool:
    """Whether ``field`` is an instance of a contenttypes class, subclasses included.

    By name, through the class's bases (a project may subclass them), so that
    contenttypes is never imported where it is not installed.
    """
    return any(c.__name__ == class_name for c in type(field).__mro__)


def relation_kind(field: Any) -> str:
    reverse = field.auto_created and not field.concrete
    if getattr(field, "is_relation", False) is False:
        return "deferred"
    if is_a(field, "GenericForeignKey"):
        return "generic_fk"
    if is_a(field, "GenericRelation"):
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


def find(model: type, name: str, query_name: bool = False) -> Any:
    """The field or reverse relation reached as ``instance.<name>``, or None.

    With ``query_name``: the relation lookups reach as ``name`` (``product``
    where the accessor is ``product_set``), or None.
    """
    key = (model, name, query_name)
    if key not in _by_name:
        found = None
        for field in model._meta.get_fields():  # type: ignore[attr-defined]
            if query_name and field.is_relation and field.name == name:
                found = field
                break
            if not query_name and accessor(field) == name:
                found = field
                break
        _by_name[key] = found
    return _by_name[key]


class Hop(NamedTuple):
    """One step of a lookup path: from ``model`` along ``field``, named ``name``."""

    model: type
    name: str
    field: Any


def walk(model: Any, path: str, query_names: bool = False) -> list[Hop] | None:
    """The relation hops of ``path`` (``"category__blog"``) from ``model``.

    Names are accessors (``post_set``; ``instance.<name>``, as prefetch
    lookups and relation keys name them) or, with ``query_names``, what
    lookups and ``select_related`` write (``post``). None when a segment is
    not a relation of the model reached so far.
    """
    hops: list[Hop] = []
    for name in path.split("__"):
        field = find(model, name, query_names) if isinstance(model, type) and name else None
        if field is None or not getattr(field, "is_relation", False):
            return None
        hops.append(Hop(model, name, field))
        model = field.related_model
    return hops


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
    through = _through_relation(instance, queryset)
    if through is not None:
        return through
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


def _through_relation(instance: Any, queryset: Any) -> Any:
    """The many-to-many whose through table ``queryset`` reads, filtered on ``instance``'s side.

    A many-to-many manager's ``count()`` and ``exists()`` with nothing filtered
    query the through table alone (Django's ``constrained_target``): no join
    says which relation it was, the foreign key it filters on does.
    """
    exact = _exact_lookups(queryset.__dict__.get("_query"))
    if not exact:
        return None
    for field in type(instance)._meta.get_fields():
        if not field.many_to_many or is_a(field, "GenericRelation"):
            continue
        reverse = field.auto_created and not field.concrete
        m2m = field.field if reverse else field
        if getattr(m2m.remote_field, "through", None) is not queryset.model:
            continue
        source = m2m.m2m_reverse_field_name() if reverse else m2m.m2m_field_name()
        if source in exact:
            return field
    return None


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
            if is_a(f, "GenericRelation") and f.related_model is model
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
