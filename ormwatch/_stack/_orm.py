"""Turn the ORM frames found on a stack into an ``OrmContext``."""

from __future__ import annotations

from types import FrameType
from typing import Any

from ormwatch import _failsafe, _reads
from ormwatch._introspect import _relations, _shape
from ormwatch._query import EMPTY_CONTEXT, OrmContext, Relation
from ormwatch._stack import _callsite
from ormwatch._stack import _roles as r
from ormwatch._textcache import TextCache

Hit = tuple[str, str, FrameType]

_WRITE_VERBS = ("insert", "update", "delete", "replace")
_DESCRIPTORS = (r.FORWARD, r.REVERSE_O2O, r.DEFERRED, r.GENERIC_FK)


# The model, joins and shape of a compiled statement, by its text and
# compiler method: reading them walks Django's join and WHERE trees, once per
# text.
_compiled_cache: TextCache[tuple[str, int], dict[str, Any]] = TextCache()


def context(hits: list[Hit], fingerprint: str, sql: str) -> OrmContext:
    """``hits`` are innermost first; the outermost ORM call is the user's."""
    is_write = fingerprint.startswith(_WRITE_VERBS)
    if not hits:
        return OrmContext(kind="write") if is_write else EMPTY_CONTEXT
    # One pass over the hits (this runs per statement): the user's calls,
    # outermost first, and the frames the fields below are read from.
    chain: list[str] = []
    compiler = queryset_frame = descriptor = prefetch = None
    batched = cascade = raw = False
    for role, name, frame in hits:
        if role == r.QUERYSET or role == r.MODEL:
            chain.append(name)
            if role == r.QUERYSET:
                queryset_frame = frame
        elif role == r.COMPILER:
            compiler = compiler or frame
        elif role in _DESCRIPTORS:
            descriptor = descriptor or (role, frame)
        elif role == r.FETCH_MANY:
            batched = True
        elif role == r.CASCADE:
            cascade = True
        elif role == r.RAW:
            raw = True
        if name == "prefetch_one_level":
            prefetch = prefetch or frame
    chain.reverse()
    method = chain[0] if chain else None
    queryset = queryset_frame.f_locals.get("self") if queryset_frame is not None else None
    fields: dict[str, Any] = {"method": method, "chain": tuple(chain)}
    if queryset_frame is not None and _callsite.library_caller(queryset_frame):
        fields["library_caller"] = True
    if compiler is not None:
        fields.update(_compiled(compiler, sql))
    if queryset is not None:
        fields.update(_queryset_fields(queryset))
        if fields.get("select_related") or fields.get("prefetch_related"):
            fields["relation_use"] = _reads.current()
    if descriptor is not None:
        fields.update(_descriptor_fields(*descriptor, batched))
    elif prefetch is not None:
        fields.update(_prefetch_fields(prefetch))
    else:
        fields.update(_manager_fields(queryset))
    if is_write:
        fields["kind"] = "write"
        fields["write"] = method or ("delete" if cascade else None)
    fields.setdefault("kind", "query" if chain else "other")
    if raw:
        fields["kind"] = "raw"
    return OrmContext(**fields)


def _compiled(frame: FrameType, sql: str) -> dict[str, Any]:
    """The model, joins and shape of the statement the ``execute_sql`` frame runs.

    Cached by statement text and compiler method: the same text names the
    same tables and comes from the same tree. (A proxy model and its concrete
    model write the same text; the first one seen names both.) A hit does not
    even read the frame's locals.
    """
    key = (sql, id(frame.f_code))
    found = _compiled_cache.get(key)
    if found is not None:
        return found
    comp = frame.f_locals.get("self")
    query = getattr(comp, "query", None)
    if comp is None or query is None:
        return {}
    model = getattr(query, "model", None)
    found = {"model": _relations.label(model)} if model is not None else {}
    try:
        found.update(_shape.shape(comp))
    except Exception as exc:  # lose the shape, keep the rest of the context
        _failsafe.swallow("reading the statement's shape", exc)
        return found
    return _compiled_cache.put(sql, key, found) if sql else found


def _queryset_fields(qs: Any) -> dict[str, Any]:
    query = qs.__dict__.get("_query")
    fields: dict[str, Any] = {}
    iterable = getattr(qs, "_iterable_class", None)
    fields["values"] = getattr(iterable, "__name__", "ModelIterable") != "ModelIterable"
    lookups = getattr(qs, "_prefetch_related_lookups", ())
    fields["prefetch_related"] = tuple(getattr(x, "prefetch_to", x) for x in lookups)
    fields["prefetch_querysets"] = tuple(
        x.prefetch_to for x in lookups if getattr(x, "queryset", None) is not None
    )
    names, is_defer = getattr(query, "deferred_loading", ((), True))
    if names:
        fields["defer" if is_defer else "only"] = tuple(sorted(names))
    selected = getattr(query, "select_related", False)
    if selected is True:
        fields["select_related"] = ("*",)
    elif isinstance(selected, dict):
        fields["select_related"] = tuple(_flatten(selected, ""))
    return fields


def _flatten(tree: dict[str, Any], prefix: str) -> list[str]:
    paths: list[str] = []
    for name, sub in tree.items():
        path = f"{prefix}__{name}" if prefix else name
        paths.append(path)
        if isinstance(sub, dict):
            paths.extend(_flatten(sub, path))
    return paths


def _descriptor_fields(role: str, frame: FrameType, batched: bool) -> dict[str, Any]:
    local = frame.f_locals
    instance = local.get("instance")
    return {
        "kind": "deferred_load" if role == r.DEFERRED else "lazy_load",
        "relation": _descriptor_relation(role, local.get("self"), instance),
        "instance_pk": getattr(instance, "pk", None),
        "batched": batched,
    }


def _manager_fields(queryset: Any) -> dict[str, Any]:
    hints = getattr(queryset, "_hints", None) or {}
    instance = hints.get("instance")
    if instance is None or not hasattr(instance, "_meta"):
        generic = _relations.generic_relation(queryset) if queryset is not None else None
        if generic is None:
            return {}
        field, object_id = generic
        return {
            "kind": "related_manager",
            "relation": _relations.relation(field.model, field),
            "instance_pk": object_id,
        }
    field = _relations.manager_relation(instance, queryset)
    if field is None:
        return {"kind": "related_manager", "instance_pk": instance.pk}
    cache = getattr(instance, "_prefetched_objects_cache", None) or {}
    return {
        "kind": "related_manager",
        "relation": _relations.relation(type(instance), field),
        "instance_pk": instance.pk,
        "prefetched": _relations.prefetch_cache_name(field) in cache,
    }


# (role, id(descriptor), model) -> (relation, descriptor): an N+1 asks the
# same descriptor thousands of times. The descriptor is kept so its id stays
# its own; descriptors live on model classes, so this grows with the schema.
_relations_seen: dict[tuple[str, int, type], tuple[Relation | None, Any]] = {}


def _descriptor_relation(role: str, descriptor: Any, instance: Any) -> Relation | None:
    if descriptor is None or instance is None:
        return None
    key = (role, id(descriptor), type(instance))
    seen = _relations_seen.get(key)
    if seen is None:
        seen = _relations_seen[key] = (_read_relation(role, descriptor, type(instance)), descriptor)
    return seen[0]


def _read_relation(role: str, descriptor: Any, model: type) -> Relation | None:
    if role == r.REVERSE_O2O:
        return _relations.relation(model, descriptor.related)
    if role == r.GENERIC_FK:
        name = getattr(descriptor, "name", None) or descriptor.field.name  # 6.1: a descriptor
        return Relation(_relations.label(model), str(name), "generic_fk")
    field = descriptor.field
    if role == r.DEFERRED:
        return Relation(_relations.label(model), str(field.attname), "deferred")
    return _relations.relation(model, field)


def _prefetch_fields(frame: FrameType) -> dict[str, Any]:
    local = frame.f_locals
    lookup, level, instances = local.get("lookup"), local.get("level"), local.get("instances")
    fields: dict[str, Any] = {"kind": "prefetch"}
    if lookup is not None and isinstance(level, int):
        fields["prefetch_lookup"] = str(lookup.get_current_prefetch_to(level))
        through = str(lookup.get_current_to_attr(level)[0])
        if instances:
            model = type(instances[0])
            name = lookup.prefetch_through.split("__")[level]
            field = _relations.find(model, name)
            if field is not None:
                fields["relation"] = _relations.relation(model, field)
                _reads.loaded(model, name, len(instances))
            elif through:
                fields["relation"] = Relation(_relations.label(model), through, "unknown")
    return fields
