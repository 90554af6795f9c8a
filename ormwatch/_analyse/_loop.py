"""The user line that repeats a query, when it is not the line that ran it.

An N+1 inside a model method (``Order.url`` reading ``self.shop``) runs its
query at the method's line, once per call; the loop is further out, often a
template line (``{{ order.url }}``). The call site is the line that ran the
query; the loop site is the first line out from it that loops: a template
line, or a Python line inside a ``for``, ``while`` or comprehension.
"""

from __future__ import annotations

import ast

from ormwatch._fix import _source
from ormwatch._query import CallSite, Query

_LOOPS = (ast.For, ast.AsyncFor, ast.While, ast.comprehension)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


def loop_site(query: Query) -> CallSite | None:
    """The line that repeats ``query``'s call site, or None when the call site loops itself."""
    site = query.call_site
    if site is None or site.kind != "python" or _in_loop(site) is not False:
        return None
    for outer in query.stack[1:]:
        if outer.kind != "python" or _in_loop(outer):
            return outer
    return None


def _in_loop(site: CallSite) -> bool | None:
    """Whether ``site``'s line runs inside a loop of its function (None: unknown)."""
    code = _source.code_at(site)
    if code is None:
        return None
    node: ast.AST | None = code.statement
    while node is not None and node is not code.function:
        if isinstance(node, _LOOPS):
            return True
        node = code.parents.get(node)
    return any(
        isinstance(n, _COMPREHENSIONS) and n.lineno <= site.line <= (n.end_lineno or n.lineno)
        for n in ast.walk(code.statement)
    )
