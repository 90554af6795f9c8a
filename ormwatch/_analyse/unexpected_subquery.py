"""A subquery Django wrote although the user did not ask for one (seed 001).

A lazy QuerySet passed to a lookup (``blog__in=Blog.objects.filter(...)``)
is compiled into the statement as ``IN (SELECT ...)``; ``exclude()`` or
``~Q()`` across a multi-valued relation becomes ``NOT EXISTS (SELECT ...)``,
because "no related row matches" cannot be said with a join. Subqueries the
user wrote (``Subquery``, ``Exists``, ``OuterRef``) are never recorded as
implicit (``_introspect._subqueries``), so they are never reported.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from ormwatch._analyse import _fragment
from ormwatch._analyse._analysis import Analysis, builder_site, code_site
from ormwatch._finding import Finding
from ormwatch._fix import _chain, _compose, _exists, _source
from ormwatch._kinds import Kind
from ormwatch._query import CallSite, ImplicitSubquery, Query


def detect(analysis: Analysis) -> Iterator[Finding]:
    groups: dict[tuple[object, ...], list[tuple[Query, ImplicitSubquery, int]]] = {}
    for query in analysis.built_by_user():
        if query.orm.kind == "write" or not query.orm.subqueries:
            continue
        for index, sub in enumerate(query.orm.subqueries):
            nth = sum(1 for s in query.orm.subqueries[:index] if s.table == sub.table)
            key = (sub.kind, sub.lookup, query.call_site, query.fingerprint)
            groups.setdefault(key, []).append((query, sub, nth))
    for items in groups.values():
        yield _finding(items)


def _finding(items: list[tuple[Query, ImplicitSubquery, int]]) -> Finding:
    query, sub, nth = items[0]
    outer = (query.orm.model or "Model").rsplit(".", 1)[-1]
    related = sub.model.rsplit(".", 1)[-1]
    site = code_site(query)
    origin = builder_site(query, outer) or site or query.call_site
    if sub.kind == "in_queryset":
        message = (
            f"Unexpected subquery: filter({sub.lookup}=...) was given a lazy {related} "
            f"queryset, so Django runs it inside this statement as IN (SELECT ... FROM "
            f"{sub.table}) (seed 001); evaluate it first with list() when it is small, or join"
        )
        inner_origin, fix = _in_queryset_fix(sub, site, outer, related)
        origin = inner_origin or origin  # the fix wraps the line building the inner queryset
        relation = None
    else:
        message = (
            f"Unexpected subquery: exclude() / ~Q() on {sub.lookup} crosses the multi-valued "
            f'relation {outer}.{sub.relation}; "no {related} matches" cannot be a join, so '
            f"Django adds NOT EXISTS (SELECT ... FROM {sub.table}) (seed 001). Write the "
            f"~Exists() yourself, or prefetch with Prefetch(queryset={related}.objects.exclude"
            f"(...)) if you meant to hide the matching {related} rows"
        )
        fix = _exclude_fix(query, sub, origin, outer, related)
        relation = _exists.relation_of(query.orm.model, sub.relation)
    return Finding(
        kind=Kind.UNEXPECTED_SUBQUERY.value,
        message=message,
        call_site=query.call_site,
        origin=origin,
        fix=fix,
        relation=relation,
        queries=[q for q, _, _ in items],
        sql_fragment=_fragment.subquery_fragment(query.sql, sub.table, sub.kind, nth),
        details={"subquery": sub.to_dict()},
    )


def _in_queryset_fix(
    sub: ImplicitSubquery, site: CallSite | None, outer: str, related: str
) -> tuple[CallSite | None, str]:
    inner_site = _compose.builder_line(site, related)
    chain = _chain.queryset_at(inner_site, related)
    if chain is None:
        inner_site = None
    if chain is not None and inner_site is not None:
        listed = f"list({chain.text()})"
        first = _source.rewrite(chain.code, inner_site.line, [(chain.node, listed)]) or listed
        values = {k: v for link in chain.calls("filter") for k, v in link.args or () if k}
    else:
        first = f'ids = list({related}.objects.filter(...).values_list("pk", flat=True))'
        values = {}
    lines = [f"{first}  # one small query first, then a plain IN (...) list"]
    if sub.joinable and sub.conditions and sub.relation:
        lookups = ", ".join(f"{sub.relation}__{c}={values.get(c, '...')}" for c in sub.conditions)
        lines.append(f"# or join instead of a subquery:\n{outer}.objects.filter({lookups})")
    return inner_site, "\n".join(lines)


def _exclude_fix(
    query: Query, sub: ImplicitSubquery, origin: CallSite | None, outer: str, related: str
) -> str:
    model = query.orm.model or ""
    chain = _chain.queryset_at(origin, outer)
    values: list[tuple[str, str]] = []
    rewritten: str | None = None
    if chain is not None and origin is not None:
        rewritten, values = _rewrite_exclude(chain, model, sub, origin.line)
    if not values:
        values = [(c, "...") for c in sub.conditions]
    exists = _exists.exists_for(model, sub.relation, values) or f"Exists({related}.objects...)"
    first = rewritten or f"{outer}.objects.filter(~{exists})"
    inner = ", ".join(f"{k}={v}" for k, v in values)
    prefetch = (
        f'{outer}.objects.prefetch_related(Prefetch("{sub.relation}", '
        f"queryset={related}.objects.exclude({inner})))"
    )
    return (
        f"{first}  # the same NOT EXISTS, written on purpose\n"
        f"# or keep every {outer} and leave out the matching {related} rows (seed 001):\n"
        f"{prefetch}"
    )


def _rewrite_exclude(
    chain: _chain.Chain, model: str, sub: ImplicitSubquery, line: int
) -> tuple[str | None, list[tuple[str, str]]]:
    """The origin line with ``exclude(rel__x=v)`` / ``~Q(rel__x=v)`` as ``~Exists(...)``."""
    for call, keyword, lookup in _exists.keywords_on(chain.code, sub.relation):
        value = _source.text(chain.code, keyword.value) or "..."
        exists = _exists.exists_for(model, sub.relation, [(lookup, value)])
        if exists is None or len(call.keywords) != 1 or call.args:
            return None, [(lookup, value)]
        parent = chain.code.parents.get(call)
        if _exists.q_call(call) and isinstance(parent, ast.UnaryOp):
            return _source.rewrite(chain.code, line, [(parent, f"~{exists}")]), [(lookup, value)]
        if isinstance(call.func, ast.Attribute) and call.func.attr == "exclude":
            for link in chain.links:
                if link.name == "exclude" and link.args == [(keyword.arg, value)]:
                    link.name, link.args = "filter", [(None, f"~{exists}")]
                    return chain.in_line(line), [(lookup, value)]
        return None, [(lookup, value)]
    return None, []
