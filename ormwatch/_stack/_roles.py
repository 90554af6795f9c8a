"""The Django functions whose frames tell what the ORM was doing.

Frames are recognised by code object identity, looked up in one dictionary
built on first use: no name matching and no per-frame attribute reads on the
hot path. The dictionary is keyed by ``id(code)``: a code object's own hash
covers its constants and names and is not cached, which made hashing the
costliest step of walking a stack. The code objects are kept alive with the
table, so their ids are never reused. Django 5.2, 6.0 and 6.1 all define
these functions (6.1 adds the fetch-mode ``fetch_many`` methods, looked up
only where they exist).
"""

from __future__ import annotations

import inspect
from types import CodeType
from typing import Any

# role -> what the frame means.
QUERYSET = "queryset"  # a QuerySet method; name is the user's verb
MODEL = "model"  # a Model method (save, delete, refresh_from_db)
FORWARD = "forward"  # ForwardManyToOneDescriptor.__get__ (FK and forward O2O)
REVERSE_O2O = "reverse_o2o"  # ReverseOneToOneDescriptor.__get__
DEFERRED = "deferred"  # DeferredAttribute.__get__
GENERIC_FK = "generic_fk"  # GenericForeignKey.__get__
PREFETCH = "prefetch"  # prefetch_related_objects / prefetch_one_level
FETCH_MANY = "fetch_many"  # Django 6.1 FETCH_PEERS loading a batch of peers
CASCADE = "cascade"  # deletion.Collector collecting or deleting related rows
COMPILER = "compiler"  # SQLCompiler.execute_sql: the compiled Query is here
TEMPLATE = "template"  # django.template.base.Node.render_annotated
SYNC_TO_ASYNC = "sync_to_async"  # asgiref's worker-thread entry point
HANDLER = "handler"  # BaseHandler._get_response(_async): the view's caller; the stack ends
RESPONSE = "response"  # SimpleTemplateResponse.render: a template rendered after its view returned
VIEW = "view"  # View.dispatch: a class-based view, called through the handler or directly
RAW = "raw"  # RawQuerySet iteration

QUERYSET_METHODS = {
    "__iter__": "iterate",
    "__len__": "len",
    "__bool__": "bool",
    "__getitem__": "getitem",
    "__contains__": "contains",
    "iterator": "iterator",
    "get": "get",
    "first": "first",
    "last": "last",
    "earliest": "earliest",
    "latest": "latest",
    "count": "count",
    "exists": "exists",
    "contains": "contains",
    "aggregate": "aggregate",
    "in_bulk": "in_bulk",
    "explain": "explain",
    "create": "create",
    "get_or_create": "get_or_create",
    "update_or_create": "update_or_create",
    "bulk_create": "bulk_create",
    "bulk_update": "bulk_update",
    "update": "update",
    "delete": "delete",
    "_raw_delete": "delete",
    # ``async for`` runs only _fetch_all in asgiref's worker thread.
    "_fetch_all": "iterate",
}
MODEL_METHODS = {
    "save": "save",
    "delete": "delete",
    "refresh_from_db": "refresh_from_db",
}

Role = tuple[str, str]
_roles: dict[int, Role] | None = None
_codes: list[CodeType] = []  # keeps the table's keys valid


def _code(func: Any) -> CodeType | None:
    if func is None:
        return None
    func = inspect.unwrap(func)
    return getattr(func, "__code__", None)


def roles() -> dict[int, Role]:
    """``id(code)`` -> role for every Django function that tells something."""
    global _roles
    if _roles is None:
        table = _build()
        _codes.extend(table)
        _roles = {id(code): role for code, role in table.items()}
    return _roles


def _build() -> dict[CodeType, Role]:
    from django.db.models import Model, deletion, query, query_utils
    from django.db.models.fields import related_descriptors as rd
    from django.db.models.sql import compiler
    from django.template import base as template_base

    table: dict[CodeType, Role] = {}

    def add(func: Any, role: str, name: str) -> None:
        code = _code(func)
        if code is not None:
            table[code] = (role, name)

    for attr, name in QUERYSET_METHODS.items():
        if attr in vars(query.QuerySet):
            add(vars(query.QuerySet)[attr], QUERYSET, name)
    add(query.RawQuerySet.__iter__, RAW, "raw")
    for attr, name in MODEL_METHODS.items():
        add(getattr(Model, attr), MODEL, name)
    add(rd.ForwardManyToOneDescriptor.__get__, FORWARD, "__get__")
    add(rd.ReverseOneToOneDescriptor.__get__, REVERSE_O2O, "__get__")
    add(query_utils.DeferredAttribute.__get__, DEFERRED, "__get__")
    add(query.prefetch_related_objects, PREFETCH, "prefetch_related_objects")
    add(query.prefetch_one_level, PREFETCH, "prefetch_one_level")
    for owner in (
        rd.ForwardManyToOneDescriptor,
        rd.ReverseOneToOneDescriptor,
        query_utils.DeferredAttribute,
    ):
        if "fetch_many" in vars(owner):
            add(vars(owner)["fetch_many"], FETCH_MANY, "fetch_many")
    add(deletion.Collector.collect, CASCADE, "collect")
    add(deletion.Collector.delete, CASCADE, "delete")
    for klass in vars(compiler).values():
        if isinstance(klass, type) and "execute_sql" in vars(klass):
            add(vars(klass)["execute_sql"], COMPILER, "execute_sql")
    add(template_base.Node.render_annotated, TEMPLATE, "render_annotated")
    from django.template.response import SimpleTemplateResponse

    add(SimpleTemplateResponse.render, RESPONSE, "render")
    from django.core.handlers.base import BaseHandler
    from django.views.generic.base import View

    add(View.dispatch, VIEW, "dispatch")

    # Private methods (django-stubs omits them): looked up by name, skipped if gone.
    add(vars(BaseHandler).get("_get_response"), HANDLER, "_get_response")
    add(vars(BaseHandler).get("_get_response_async"), HANDLER, "_get_response_async")
    from django.apps import apps

    # Importing contenttypes' fields outside INSTALLED_APPS raises: no generic
    # relations can exist then anyway.
    if apps.is_installed("django.contrib.contenttypes"):
        from django.contrib.contenttypes import fields as generic

        # Django 6.1 moved __get__ to a GenericForeignKeyDescriptor class.
        gfk_owner: type = getattr(generic, "GenericForeignKeyDescriptor", generic.GenericForeignKey)
        add(vars(gfk_owner).get("__get__"), GENERIC_FK, "__get__")
        add(vars(gfk_owner).get("fetch_many"), FETCH_MANY, "fetch_many")
    try:
        from asgiref.sync import SyncToAsync
    except ImportError:  # asgiref always ships with Django; stay safe anyway
        pass
    else:
        add(SyncToAsync.thread_handler, SYNC_TO_ASYNC, "thread_handler")
    return table
