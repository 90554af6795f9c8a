"""The two fixes that read a lookup dict's field through the join instead.

- A lazy queryset given to ``<fk>__in`` whose rows were fetched only to build
  a lookup (``names = {b.id: b.name for b in blogs}``, ``names[c.blog_id]``):
  the ``__in`` becomes the inner filters behind the relation
  (``_lazy_in.joined``), the queryset gets ``select_related("<fk>")`` (a call of its own) and the
  reads ``c.blog.name``; the dict and the inner queryset's assignment go.
  Refused when the inner rows are read anywhere else (the ``list()`` fix then
  keeps them).
- ``select_related("<fk>")`` ignored by ``values()``, with a lookup read
  through that key (``names[row["blog_id"]]``): ``values()`` names
  ``"<fk>__<field>"``, the reads become ``row["blog__name"]``, the dict goes.
"""

from __future__ import annotations

import ast
from typing import Any

from ormwatch._fix import (
    _chain,
    _compose,
    _edit,
    _lazy_in,
    _lookup_edit,
    _lookup_join,
    _source,
)
from ormwatch._query import ImplicitSubquery


def through_lookup(
    code: _source.Code, model: str, sub: ImplicitSubquery
) -> tuple[_edit.Edit, ...] | None:
    """The join, when the inner rows were fetched only to build a lookup dict of one field:
    the filters behind the relation, ``select_related``, the reads through it, and the
    dict and the inner queryset's assignment deleted."""
    found = _lazy_in.keyword_of(code, model, sub)
    outer = _compose.model_class(model)
    if found is None or outer is None or not sub.joinable or not _lazy_in.in_filter(found[0]):
        return None
    call, keyword = found
    inner = keyword.value
    joined = _lazy_in.joined(code, inner, sub) if isinstance(inner, ast.Name) else None
    chain = _lookup_edit.outer_chain(code, call, outer.__name__)
    if joined is None or chain is None or not isinstance(inner, ast.Name):
        return None
    values = chain.methods()[-1:] == ["values"]
    keys = _lookup_edit.value_keys(chain, outer, sub.relation) if values else None
    lookup = _lookup_join.find(code, chain.node, outer, sub.relation, keys, inner.id)
    if lookup is None or lookup.rows != inner.id:
        return None
    if _lookup_edit.unused_rows(code, lookup, inner) is None:
        return None  # the rows serve more than the lookup: the list() fix keeps them
    joins = _lookup_edit.values_join(chain, outer, sub.relation, lookup) if values else None
    if not (joins if values else _lookup_edit.select_join(chain, sub.relation)):
        return None
    edits = [chain.edit(), _edit.rewrite_statement(code, [(keyword, joined)])]
    if None in edits:
        return None
    return _lookup_edit.combined(code, lookup, [e for e in edits if e], inner)


def values_instead(
    chain: _chain.Chain, model: Any, fks: list[str]
) -> tuple[_edit.Edit, ...] | None:
    """``chain`` (``select_related(...)...values()``) without ``select_related``, naming the
    field a lookup read through one of ``fks`` in ``values()``, the lookup gone."""
    fresh = _chain.take_apart(chain.code, chain.node)
    if fresh is None or fresh.methods()[-1:] != ["values"]:
        return None
    fresh = fresh.without("select_related")
    found = [
        (fk, lookup)
        for fk in dict.fromkeys(fks)
        for lookup in [
            _lookup_join.find(
                chain.code, chain.node, model, fk, _lookup_edit.value_keys(fresh, model, fk)
            )
        ]
        if lookup is not None
    ]
    if len(found) != 1:
        return None
    fk, lookup = found[0]
    edit = fresh.edit() if _lookup_edit.values_join(fresh, model, fk, lookup) else None
    return _lookup_edit.combined(chain.code, lookup, [edit]) if edit is not None else None
