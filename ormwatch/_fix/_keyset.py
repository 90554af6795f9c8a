"""A set of one queryset's keys, and whether that queryset is the rows of one filter.

``set(<qs>.values_list("id", flat=True))`` and ``{x.id for x in <qs>}`` (``pk``
or the key's attribute name) are a set of keys; ``<qs>`` is the rows of
``Model.objects.filter(<keyword>)`` when it is written so, with the same
keyword and value, or as the related manager that selects the same rows
(``user.banned`` for ``banning=user``: ``banned`` is the reverse accessor of
``User.banning``, read from ``_meta``). ``membership_reads`` answers whether a
set is read only as ``<row>.id in s`` over the rows of one queryset variable.
"""

from __future__ import annotations

import ast
from typing import Any, TypeGuard

from ormwatch._fix import _chain, _exists, _source
from ormwatch._introspect import _relations


def stores(node: ast.AST, name: str) -> TypeGuard[ast.Name]:
    return isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Store)


def keys_of(klass: Any, value: ast.expr) -> ast.expr | None:
    """``<qs>`` of ``set(<qs>.values_list("id", flat=True))`` or ``{x.id for x in <qs>}``."""
    if isinstance(value, ast.SetComp) and len(value.generators) == 1:
        generator = value.generators[0]
        element = value.elt
        if (
            not generator.ifs
            and not generator.is_async
            and isinstance(generator.target, ast.Name)
            and isinstance(element, ast.Attribute)
            and isinstance(element.value, ast.Name)
            and element.value.id == generator.target.id
            and is_key(klass, element.attr)
        ):
            return generator.iter
        return None
    if not (isinstance(value, ast.Call) and isinstance(value.func, ast.Name)):
        return None
    if value.func.id != "set" or len(value.args) != 1 or value.keywords:
        return None
    listed = value.args[0]
    if not (isinstance(listed, ast.Call) and isinstance(listed.func, ast.Attribute)):
        return None
    flat = [k for k in listed.keywords if k.arg == "flat"]
    if listed.func.attr != "values_list" or len(listed.args) != 1 or len(listed.keywords) != 1:
        return None
    key = listed.args[0]
    if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
        return None
    if not flat or not (isinstance(flat[0].value, ast.Constant) and flat[0].value.value is True):
        return None
    return listed.func.value if is_key(klass, key.value) else None


def is_key(klass: Any, name: str) -> bool:
    return name == "pk" or name == klass._meta.pk.attname


def same_rows(code: _source.Code, klass: Any, queryset: ast.expr, keyword: ast.keyword) -> bool:
    """``queryset`` is the rows of ``Model.objects.filter(<keyword>)``, written so or as the
    related manager of the keyword's value (``user.banned`` for ``banning=user``)."""
    chain = _chain.take_apart(code, queryset)
    if chain is None:
        return False
    last = chain.links[-1]
    links = chain.links[:-1] if (last.name, last.args) == ("all", []) else chain.links
    if links and links[-1].args == []:
        return False  # another call without arguments: not the rows as written
    value = keyword.value
    assert isinstance(value, ast.Name)
    if chain.root == klass.__name__ and len(links) == 2:
        manager, call = links
        return (
            manager.args is None
            and manager.name == klass._default_manager.name
            and call.name == "filter"
            and isinstance(call.node, ast.Call)
            and not call.node.args
            and len(call.node.keywords) == 1
            and ast.dump(call.node.keywords[0]) == ast.dump(keyword)
        )
    if chain.root != value.id or len(links) != 1 or links[0].args is not None:
        return False
    field = _exists.by_query_name(klass, keyword.arg or "")
    return field is not None and _reverse_accessor(field) == links[0].name


def _reverse_accessor(field: Any) -> str | None:
    """The attribute of the related instance whose manager holds the rows ``<field>=instance``
    selects (``banned`` for ``banning``, ``banning`` for ``banned``)."""
    kind = _relations.relation_kind(field)
    if kind in ("m2m", "forward_fk"):
        name = field.remote_field.get_accessor_name()
        return name if isinstance(name, str) and not name.endswith("+") else None
    if kind in ("reverse_m2m", "reverse_fk"):
        return str(field.field.name)
    return None


def membership_reads(
    code: _source.Code, klass: Any, name: str, rows: str
) -> list[tuple[ast.Compare, ast.Name]]:
    """Each read of the set as ``<row>.id in <name>``: (the comparison, the row's name)."""
    iterated = {
        n.target.id
        for n in ast.walk(code.function)
        if isinstance(n, (ast.For, ast.comprehension))
        and isinstance(n.iter, ast.Name)
        and n.iter.id == rows
        and isinstance(n.target, ast.Name)
    }
    found = []
    for load in code.loads(name):
        compare = code.parents.get(load)
        if not isinstance(compare, ast.Compare) or compare.comparators != [load]:
            return []
        if not isinstance(compare.ops[0], (ast.In, ast.NotIn)):
            return []
        key = compare.left
        if not (isinstance(key, ast.Attribute) and isinstance(key.value, ast.Name)):
            return []
        if key.value.id not in iterated or not is_key(klass, key.attr):
            return []
        if sum(1 for n in ast.walk(code.function) if stores(n, key.value.id)) != 1:
            return []  # the row's name is bound again elsewhere: maybe not a row of the OR
        if not _inside_loop_over(code, compare, key.value.id, rows):
            return []
        found.append((compare, key.value))
    return found


def _inside_loop_over(code: _source.Code, node: ast.AST, row: str, rows: str) -> bool:
    """``node`` is in the body of ``for <row> in <rows>`` or of a comprehension over them."""
    parent = code.parents.get(node)
    while parent is not None:
        loops: list[ast.For | ast.comprehension] = [parent] if isinstance(parent, ast.For) else []
        if isinstance(parent, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
            loops = list(parent.generators)
        for loop in loops:
            target, source = loop.target, loop.iter
            if isinstance(target, ast.Name) and target.id == row:
                return isinstance(source, ast.Name) and source.id == rows and node is not source
        node, parent = parent, code.parents.get(parent)
    return False
