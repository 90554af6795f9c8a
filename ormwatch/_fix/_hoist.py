"""A duplicate query's fix: evaluate the queryset once, before its first use, and reuse it.

``names = [c.name for c in blog.category.all()]`` followed by
``qui = [c.name for c in blog.category.all() if ...]`` runs the same SQL
twice. The fix hoists the expression the statements share into a variable
(``category_rows = list(blog.category.all())``) written above the first
statement, and both statements read the variable. It is written only when
that is provably the same answer: every site is in one block of one function,
the expression is written the same way at each, nothing it reads is assigned
between them, and no statement wrote to the database between the runs.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence

from ormwatch._fix import _chain, _edit, _source
from ormwatch._query import CallSite

# A chain ending in one of these is a value, not a queryset to list().
_VALUES = frozenset(
    {"count", "exists", "get", "first", "last", "aggregate", "earliest", "latest", "in_bulk"}
)


def hoisted(sites: Sequence[CallSite]) -> tuple[str, tuple[_edit.Edit, ...]] | None:
    """The fix (new statements, shown) and its edits, or None when it cannot be proven."""
    codes = [_source.code_at(s) for s in sites]
    if len(codes) < 2 or any(c is None for c in codes):
        return None
    found = [c for c in codes if c is not None]
    first = found[0]
    if any(c.function is not first.function or c.path != first.path for c in found):
        return None
    block = first.parents.get(first.statement)
    statements = list(dict.fromkeys(c.statement for c in found))
    if any(found[0].parents.get(s) is not block for s in statements):
        return None  # another block (a loop body, a branch): the variable may not be set
    shared = _shared_chain(found)
    if shared is None:
        return None
    text, nodes = shared
    if _assigned_between(first, text, statements):
        return None
    name = _free_name(first, text)
    value = text if text.rsplit(".", 1)[-1].split("(")[0] in _VALUES else f"list({text})"
    edits: list[_edit.Edit] = []
    for statement in sorted(statements, key=lambda s: s.lineno):
        code = next(c for c in found if c.statement is statement)
        edit = _edit.rewrite_statement(code, [(n, name) for n in nodes[statement]])
        if edit is None:
            return None
        if statement is statements[0]:
            indent = edit.text[: len(edit.text) - len(edit.text.lstrip())]
            edit = _edit.Edit(
                edit.path, edit.start_line, edit.end_line, f"{indent}{name} = {value}\n{edit.text}"
            )
        edits.append(edit)
    return _edit.shown_all(edits), tuple(edits)


def _shared_chain(
    codes: Sequence[_source.Code],
) -> tuple[str, dict[ast.stmt, list[ast.expr]]] | None:
    """The longest queryset expression written the same way in every statement."""
    per_statement: dict[ast.stmt, dict[str, list[ast.expr]]] = {}
    for code in codes:
        chains: dict[str, list[ast.expr]] = {}
        for root in _source.header(code):
            for node in ast.walk(root):
                if not isinstance(node, (ast.Call, ast.Attribute)):
                    continue
                chain = _chain.take_apart(code, node)
                text = _source.text(code, node)
                if chain is None or text is None or len(chain.links) < 2 or "\n" in text:
                    continue
                chains.setdefault(text, []).append(node)
        per_statement.setdefault(code.statement, chains)
    common = set.intersection(*(set(c) for c in per_statement.values()))
    if not common:
        return None
    text = max(common, key=len)
    nodes = {s: chains[text] for s, chains in per_statement.items()}
    if any(len(n) != 1 for n in nodes.values()) and len(per_statement) > 1:
        return None  # written twice in one statement: which one ran is unknown
    return text, nodes


def _assigned_between(code: _source.Code, text: str, statements: Sequence[ast.stmt]) -> bool:
    """Whether a name the expression reads is assigned from the first statement to the last."""
    parsed = ast.parse(text, mode="eval")
    read = {n.id for n in ast.walk(parsed) if isinstance(n, ast.Name)}
    start = min(s.lineno for s in statements)
    end = max(s.end_lineno or s.lineno for s in statements)
    return any(
        isinstance(node, ast.Name)
        and isinstance(node.ctx, ast.Store)
        and node.id in read
        and start <= node.lineno <= end
        for node in ast.walk(code.function)
    )


def _free_name(code: _source.Code, text: str) -> str:
    """``<relation>_rows`` (``category_rows``), or ``<model>_rows`` for ``Model.objects``."""
    parsed = ast.parse(text, mode="eval").body
    chain = _chain.take_apart(code, parsed)
    attributes = [x.name for x in chain.links if x.args is None] if chain else []
    attributes = [a for a in attributes if a != "objects" and a != "[]"]
    root = attributes[-1] if attributes else (chain.root.lower() if chain else "query")
    taken = {n.id for n in ast.walk(code.function) if isinstance(n, ast.Name)}
    name = f"{root}_rows"
    while name in taken:
        name += "_"
    return name
