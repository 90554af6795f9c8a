"""The edits that read a lookup's field through the join: the queryset joins, the reads
change, the dict goes.

``select_join`` adds ``select_related("<fk>")`` to the queryset's chain (a
call of its own, right after ``objects``), ``values_join`` names ``"<fk>__<field>"``
in its ``values()`` (every key ``values()`` returned before, written out from
``_meta`` when it had no arguments). ``combined`` adds the rewritten reads
and the deleted statements (an edit with no text: its lines go) to the
caller's edits, one edit per statement, merged where two touch one statement;
None when they cannot be merged exactly (an overlap, two changes of the same
characters). Refused (False) where the chain's rows are no model instances the
join can fill (``values()``, ``only()``, a union), where it follows the key
already, or where ``values()`` returns annotations that ``_meta`` cannot list.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from typing import Any

from ormwatch._fix import _behind, _chain, _edit, _lookup_dict, _merge, _source, _variables
from ormwatch._fix._lookup_join import Lookup

# Links that keep a queryset's rows and model instances (select_related can join them).
_OBJECT_LINKS = frozenset(
    {"objects", "all", "filter", "exclude", "order_by", "select_related", "prefetch_related"}
    | {"distinct", "reverse", "iterator", "[]"}
)


def outer_chain(code: _source.Code, call: ast.Call, model_name: str) -> _chain.Chain | None:
    """The outermost ``Model.objects...`` chain in the statement with ``call`` as a link."""
    best: _chain.Chain | None = None
    for root in _source.header(code):
        for node in ast.walk(root):
            chain = _chain.take_apart(code, node) if isinstance(node, ast.Call) else None
            if chain is None or chain.root != model_name or not chain.links:
                continue
            ours = chain.links[0].name == "objects" and any(x.node is call for x in chain.links)
            if ours and (best is None or len(chain.links) > len(best.links)):
                best = chain
    return best


def value_keys(chain: _chain.Chain, model: Any, fk: str) -> frozenset[str]:
    """The keys of the chain's ``values()`` rows that hold the foreign key ``fk``."""
    from django.core.exceptions import FieldDoesNotExist

    try:
        field = model._meta.get_field(fk)
    except FieldDoesNotExist:
        return frozenset()  # select_related's names are never checked: any text may come
    if not field.concrete or not field.is_relation:
        return frozenset()  # a reverse relation or a column: no key to look up by
    calls = chain.calls("values")
    args = (calls[-1].args or []) if calls else []
    if not args:
        return frozenset({field.attname})
    named = {_source.literal(v) for k, v in args if k is None}
    return frozenset(k for k in (field.attname, field.name) if k in named)


def select_join(chain: _chain.Chain, fk: str) -> bool:
    """Add ``select_related("<fk>")`` to ``chain``, as a call of its own after ``objects``.

    Refused when the chain already follows ``fk``: nothing read that join, and
    ``unused_eager_load``'s fix drops it. A call of its own, not a name added to
    an existing call: that call may be dropped by the same fix, and the two
    edits then still merge.
    """
    if any(link.name not in _OBJECT_LINKS for link in chain.links):
        return False  # values(), only(), a union: rows the join cannot be read from
    for call in chain.calls("select_related"):
        named = [_source.literal(v) if k is None else None for k, v in call.args or ()]
        if not named or any(not isinstance(n, str) or n.split("__")[0] == fk for n in named):
            return False
    if not chain.links or chain.links[0].name != "objects":
        return False
    chain.links.insert(1, _chain.Link("select_related", [(None, f'"{fk}"')]))
    return True


def values_join(chain: _chain.Chain, model: Any, fk: str, lookup: Lookup) -> bool:
    """Name ``"<fk>__<field>"`` in the chain's last call, ``values()``, beside every key it had."""
    if not chain.links or chain.links[-1].name != "values" or chain.links[-1].args is None:
        return False
    link = chain.links[-1]
    args = link.args or []
    if not args:
        if any(x in chain.methods() for x in ("annotate", "alias", "extra")):
            return False  # values() returns those too: they cannot be listed from _meta
        args = [(None, f'"{f.attname}"') for f in model._meta.concrete_fields]
    new = f"{fk}__{lookup.field}"
    if any(k is None and _source.literal(v) == new for k, v in args):
        return True
    positional = [a for a in args if a[0] is None]
    link.args = [*positional, (None, f'"{new}"'), *(a for a in args if a[0] is not None)]
    return True


def unused_rows(
    code: _source.Code, lookup: Lookup, replaced: ast.expr | None = None
) -> ast.Assign | None:
    """The assignment of the variable the dict was built from, when nothing but the dict
    (and ``replaced``, which the fix rewrites) reads it: the fix deletes it too."""
    if lookup.rows is None:
        return None
    inside = {id(n) for n in ast.walk(lookup.statement)}
    loads = code.loads(lookup.rows)
    if any(n is not replaced and id(n) not in inside for n in loads):
        return None
    assign = _lookup_dict.assignment(code, lookup.rows)
    if assign is None or code.parents.get(assign) is not code.parents.get(lookup.statement):
        return None  # in another block, which deleting it might leave empty
    return assign


def combined(
    code: _source.Code,
    lookup: Lookup,
    edits: Sequence[_edit.Edit],
    replaced: ast.expr | None = None,
) -> tuple[_edit.Edit, ...] | None:
    """``edits`` with the reads rewritten and the dict deleted (and the rows it was built
    from, when nothing else reads them): one edit per statement, or None when two of
    them cannot be merged exactly."""
    unused = unused_rows(code, lookup, replaced)
    gone = [unused] if unused is not None else []
    by_statement: dict[int, tuple[ast.stmt, list[tuple[ast.AST, str]]]] = {}
    for node, text in lookup.reads:
        statement = _variables.statement_of(code, node)
        by_statement.setdefault(id(statement), (statement, []))[1].append((node, text))
    all_edits = list(edits)
    for statement, replacements in by_statement.values():
        edit = _edit.rewrite_statement(_behind.at(code, statement), replacements)
        if edit is None:
            return None
        all_edits.append(edit)
    for statement in (lookup.statement, *gone):
        deleted = deletion(_behind.at(code, statement))
        if deleted is None:
            return None
        all_edits.append(deleted)
    return merged_exactly(all_edits, code.source.splitlines())


def deletion(code: _source.Code) -> _edit.Edit | None:
    """The edit that deletes ``code.statement`` and the comment lines right above it,
    which were about it (no blank line between, none of another statement's lines)."""
    lines = _edit.statement_lines(code)
    if lines is None or not isinstance(code.statement, ast.Assign):
        return None
    start = lines[0]
    source = code.source.splitlines()
    body = getattr(code.parents.get(code.statement), "body", [])
    before = [s for s in body if isinstance(s, ast.stmt) and s.lineno < lines[0]]
    floor = max((s.end_lineno or s.lineno for s in before), default=0)
    indent = source[lines[0] - 1][: code.statement.col_offset]
    while start - 1 > floor and source[start - 2].startswith(f"{indent}#"):
        start -= 1
    return _edit.Edit(code.path, start, lines[1], "")


def merged_exactly(
    edits: Sequence[_edit.Edit], source: Sequence[str]
) -> tuple[_edit.Edit, ...] | None:
    """One edit per statement, every change kept; None when one would be lost."""
    ranges = {(e.start_line, e.end_line) for e in edits}
    if any(a != b and a[0] <= b[1] and b[0] <= a[1] for a in ranges for b in ranges):
        return None  # overlapping statements: not the same one
    for lines in ranges:
        same = [e for e in edits if (e.start_line, e.end_line) == lines]
        if len(same) > 1 and not all(e.changes and e.text for e in same):
            return None
    merged = _merge.merge(edits, source)
    for edit in merged:
        wanted = {
            c
            for e in edits
            if (e.start_line, e.end_line) == (edit.start_line, edit.end_line)
            for c in e.changes
        }
        if wanted and set(edit.changes) != wanted:
            return None  # two edits changed the same characters: one was dropped
    return tuple(merged) if len(merged) == len(ranges) else None
