"""``len(qs)``, ``bool(qs)`` or ``if qs:`` fetching every row only to count them (seed 003).

Whether the rows were used afterwards cannot be seen while recording, so it
is read from the source of the function around the call site, once per
site. Reported only when it is certain the rows are thrown away:

- the queryset is an expression written inline (``if Blog.objects.filter(
  ...):``, ``len(Post.objects.all())``): nothing else can reach its rows;
- or it is a local variable that the function uses again only in
  ``len()``, ``bool()``, truth tests, ``.count()`` or ``.exists()``.

Never reported: a variable that is iterated, indexed, passed on or returned
later; a parameter or attribute (the caller may use the rows); templates
(``{% if posts %}`` followed by ``{% for %}`` is the normal case); and
statements with more than one candidate (``if a and b:``).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from ormwatch._analyse._analysis import Analysis
from ormwatch._finding import Finding
from ormwatch._fix import _edit, _source
from ormwatch._kinds import Kind
from ormwatch._query import CallSite, Query

# len(qs) compared with a bound that only asks "any rows?": the prefix for exists().
_EXISTENCE: dict[tuple[type[ast.cmpop], object], str] = {
    (ast.Eq, 0): "not ",
    (ast.LtE, 0): "not ",
    (ast.Lt, 1): "not ",
    (ast.Gt, 0): "",
    (ast.NotEq, 0): "",
    (ast.GtE, 1): "",
}


def detect(analysis: Analysis) -> Iterator[Finding]:
    groups: dict[CallSite, list[Query]] = {}
    for query in analysis.built_by_user():
        orm = query.orm
        site = query.call_site
        if orm.kind != "query" or orm.method not in ("len", "bool") or site is None:
            continue
        if site.kind == "python":
            groups.setdefault(site, []).append(query)
    for site, queries in groups.items():
        verdict = _verdict(site, str(queries[0].orm.method))
        if verdict is not None:
            yield _finding(site, queries, *verdict)


def _verdict(site: CallSite, method: str) -> tuple[str, _edit.Rewritten] | None:
    """(what was written, the statement rewritten) when the rows are provably unused."""
    code = _source.code_at(site)
    if code is None:
        return None
    found = _source.candidates(code, method, site.line)
    if len(found) != 1:
        return None
    expression, node = found[0]
    if isinstance(expression, ast.Name):
        name = expression.id
        others = [n for n in code.loads(name) if n is not expression]
        if not code.is_local(name) or not all(_source.count_like_use(code, n) for n in others):
            return None
    elif not isinstance(expression, (ast.Call, ast.Subscript)):
        return None
    target, replacement = _rewrite(code, expression, node, method)
    written = _source.text(code, node) or method
    if node is expression:  # a truth test: say so, as the code does
        written = f"if {written}"
    fix = _edit.rewritten(code, site.line, [(target, replacement)])
    return written, fix or _edit.Rewritten(replacement, None)


def _rewrite(
    code: _source.Code, expression: ast.expr, node: ast.expr, method: str
) -> tuple[ast.expr, str]:
    queryset = _source.text(code, expression) or "queryset"
    if method == "bool":
        return node, f"{queryset}.exists()"
    parent = code.parents.get(node)
    if isinstance(parent, ast.Compare) and len(parent.ops) == 1 and parent.left is node:
        bound = parent.comparators[0]
        value = bound.value if isinstance(bound, ast.Constant) else None
        prefix = _EXISTENCE.get((type(parent.ops[0]), value))
        if prefix is not None and not isinstance(value, bool):
            return parent, f"{prefix}{queryset}.exists()"
    if _source.in_truth_test(code, node):
        return node, f"{queryset}.exists()"
    return node, f"{queryset}.count()"


def _finding(
    site: CallSite, queries: list[Query], written: str, rewritten: _edit.Rewritten
) -> Finding:
    fix = rewritten.code
    model = (queries[0].orm.model or "Model").rsplit(".", 1)[-1]
    method = queries[0].orm.method
    exists = ".exists()" in fix
    asked = "whether there is one" if exists else "how many there are"
    message = (
        f"Full fetch for count: {written} fetched every {model} row only to learn {asked} "
        f"(seed 003); let the database answer with {'exists()' if exists else 'count()'}"
    )
    sql = queries[0].sql
    return Finding(
        kind=Kind.FULL_FETCH_FOR_COUNT.value,
        message=message,
        call_site=site,
        origin=site,
        fix=fix,
        queries=queries,
        sql_fragment=sql.split(" FROM ", 1)[0] if " FROM " in sql else None,
        details={"method": method},
        edits=(rewritten.edit,) if rewritten.edit is not None else (),
    )
