"""``Exists()`` rewrites: test a multi-valued relation instead of joining it.

Every name is resolved against the models' ``_meta`` first, so the rewrite
only names fields that exist: the related model's key back to the outer row
(``category=OuterRef("pk")``), or the explicit through model's two keys
(``Ban.objects.filter(user_from=OuterRef("pk"), user_to=...)``).
"""

from __future__ import annotations

import ast
from typing import Any

from ormwatch._fix import _compose, _source
from ormwatch._introspect import _relations
from ormwatch._query import Relation

# A lookup on the relation itself (``banning__in=...``) is one on its key.
_BARE_LOOKUPS = frozenset({"exact", "in", "isnull", "gt", "gte", "lt", "lte", "range"})


def exists_for(model_label: str, path: str, lookups: list[tuple[str, str]]) -> str | None:
    """``Exists(Related.objects.filter(<key back>=OuterRef("pk"), <lookup>=<value>, ...))``.

    ``path`` is the multi-valued relation from the model; ``lookups`` are
    (lookup relative to the model at the end of ``path``, value source text).
    """
    model = _compose.model_class(model_label)
    first, _, rest = path.partition("__")
    field = by_query_name(model, first)
    related = getattr(field, "related_model", None)
    if field is None or not isinstance(related, type):
        return None
    relative = [(f"{rest}__{lookup}" if rest else lookup, value) for lookup, value in lookups]
    through = _explicit_through(field)
    if through is not None and not rest and all(k in ("pk", "pk__in") for k, _ in relative):
        model_t, back, target = through
        args = [f'{back}=OuterRef("pk")'] + [f"{target}{k[2:]}={v}" for k, v in relative]
        return f"Exists({model_t.__name__}.objects.filter({', '.join(args)}))"
    back_key = _back(field, model)
    if back_key is None:
        return None
    args = [back_key] + [f"{k}={v}" for k, v in relative]
    return f"Exists({related.__name__}.objects.filter({', '.join(args)}))"


def on_relation(keyword: str, path: str) -> str | None:
    """The lookup relative to the related model, if ``keyword`` filters across ``path``."""
    if keyword == path:
        return "pk"
    if not keyword.startswith(path + "__"):
        return None
    rest = keyword[len(path) + 2 :]
    return f"pk__{rest}" if rest in _BARE_LOOKUPS else rest


def keywords_on(code: _source.Code, path: str) -> list[tuple[ast.Call, ast.keyword, str]]:
    """Keyword arguments in the statement that filter across ``path``: (call, keyword, lookup)."""
    found = []
    for root in _source.header(code):
        for node in ast.walk(root):
            if not isinstance(node, ast.Call):
                continue
            for keyword in node.keywords:
                lookup = on_relation(keyword.arg or "", path)
                if lookup is not None:
                    found.append((node, keyword, lookup))
    return found


def q_call(node: ast.Call) -> bool:
    return isinstance(node.func, ast.Name) and node.func.id == "Q"


def _back(field: Any, model: Any) -> str | None:
    kind = _relations.relation_kind(field)
    if kind in ("reverse_fk", "reverse_m2m"):
        return f'{field.field.name}=OuterRef("pk")'
    if kind == "m2m":
        return f'{field.related_query_name()}=OuterRef("pk")'
    if kind == "generic_relation":
        return (
            f'{field.object_id_field_name}=OuterRef("pk"), '
            f"{field.content_type_field_name}=ContentType.objects.get_for_model({model.__name__})"
        )
    return None


def _explicit_through(field: Any) -> tuple[Any, str, str] | None:
    kind = _relations.relation_kind(field)
    if kind == "m2m":
        m2m, forward = field, True
    elif kind == "reverse_m2m":
        m2m, forward = field.field, False
    else:
        return None
    through = m2m.remote_field.through
    if through._meta.auto_created:
        return None
    source, target = m2m.m2m_field_name(), m2m.m2m_reverse_field_name()
    return (through, source, target) if forward else (through, target, source)


def relation_of(label: str | None, path: str) -> Relation | None:
    """The first relation of lookup ``path`` from the model, as findings name relations."""
    model = _compose.model_class(label)
    field = by_query_name(model, path.split("__")[0])
    return _relations.relation(model, field) if field is not None else None


def by_query_name(model: Any, name: str) -> Any:
    """The relation that lookups reach as ``name`` (``product``, where the accessor is
    ``product_set``), or None."""
    if model is None or not name:
        return None
    for field in model._meta.get_fields():
        if field.is_relation and field.name == name:
            return field
    return None


def query_path(label: str | None, accessors: str) -> str | None:
    """A prefetch lookup (accessor names) as a filter lookup (query names)."""
    model = _compose.model_class(label)
    names = []
    for accessor in accessors.split("__"):
        field = _relations.find(model, accessor) if model is not None else None
        if field is None or not field.is_relation:
            return None
        names.append(str(field.name))
        model = field.related_model
    return "__".join(names)
