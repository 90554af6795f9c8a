"""``prefetch_related("rel")`` with ``filter(rel__x=...)``: the related rows fetched twice.

The filter joins ``rel`` into the main query, and the prefetch then runs its
own query for every ``rel`` row of each result, ignoring the filter. A lookup
given as ``Prefetch("rel", queryset=...)`` is the fix, not the problem, and is
never reported.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from ormwatch._analyse import _fragment
from ormwatch._analyse._analysis import Analysis, builder_site, code_site
from ormwatch._analyse._spec import KindSpec
from ormwatch._finding import Finding
from ormwatch._fix import _behind, _compose, _edit, _exists, _exists_edit, _source
from ormwatch._introspect import _relations
from ormwatch._kinds import Kind
from ormwatch._query import CallSite, JoinedRelation, OrmContext, Query


def doubled(orm: OrmContext) -> list[tuple[str, JoinedRelation]]:
    """(prefetch lookup, the joined relation it repeats) for one statement."""
    if orm.kind != "query" or orm.values:
        return []
    found = []
    for lookup in orm.prefetch_related:
        path = _exists.query_path(orm.model, lookup)
        if lookup in orm.prefetch_querysets or path is None:
            continue
        for relation in orm.joined:
            uses = set(relation.uses)
            on_it = relation.path == path or relation.path.startswith(path + "__")
            if on_it and "where" in uses and "filtered_relation" not in uses:
                found.append((lookup, relation))
                break
    return found


def detect(analysis: Analysis) -> Iterator[Finding]:
    groups: dict[tuple[object, ...], list[Query]] = {}
    pairs: dict[tuple[object, ...], JoinedRelation] = {}
    for query in analysis.built_by_user():
        for lookup, relation in doubled(query.orm):
            key: tuple[object, ...] = (lookup, query.call_site, query.fingerprint)
            groups.setdefault(key, []).append(query)
            pairs[key] = relation
            groups[key].extend(_prefetches(analysis, query, lookup))
    for key, queries in groups.items():
        yield _finding(str(key[0]), pairs[key], queries)


def _prefetches(analysis: Analysis, query: Query, lookup: str) -> list[Query]:
    """The prefetch queries right after ``query`` that load ``lookup``."""
    found = []
    for later in analysis.queries[query.index + 1 :]:
        if later.orm.kind != "prefetch":
            break
        if later.orm.prefetch_lookup == lookup:
            found.append(later)
    return found


def _finding(lookup: str, relation: JoinedRelation, queries: list[Query]) -> Finding:
    main = queries[0]
    model = main.orm.model or ""
    name = model.rsplit(".", 1)[-1]
    related = relation.model.rsplit(".", 1)[-1]
    site = code_site(main)
    origin = builder_site(main, name) or site or main.call_site
    extra = len(queries) - 1
    conditions = ", ".join(f"{relation.path}__{c}" for c in relation.conditions) or relation.path
    message = (
        f"Prefetch double fetch: filter({conditions}=...) joins {related} into the {name} "
        f'query, then prefetch_related("{lookup}") runs its own query for every {related} of '
        f"those rows, ignoring that filter; "
    )
    written = _refiltered(site, origin, model, lookup, relation)
    if written is not None:
        origin = written[0]
        message += (
            f"the fix keeps the same {name} rows, each once (the join repeated a {name} per "
            f"matching {related}: it becomes an Exists()), and prefetches only the matching "
            f'{related} rows with a Prefetch("{lookup}") queryset'
        )
    else:
        message += (
            f'prefetch only the matching rows with a Prefetch("{lookup}", queryset=) that '
            f"filters {related} as the query does, keeping the query's own filter, or drop "
            "the prefetch_related and read the rows from the join"
        )
    field = _relations.find(_compose.model_class(model), lookup.split("__")[0])
    return Finding(
        kind=Kind.PREFETCH_DOUBLE_FETCH,
        message=message,
        call_site=main.call_site,
        origin=origin,
        fix=_edit.shown(written[1]) if written is not None else None,
        relation=_relations.relation(_compose.model_class(model), field) if field else None,
        queries=queries,
        saved_queries=extra,
        sql_fragment=_fragment.join_fragment(main.sql, relation.aliases),
        edits=(written[1],) if written is not None else (),
    )


def _refiltered(
    site: CallSite | None,
    origin: CallSite | None,
    model: str,
    lookup: str,
    relation: JoinedRelation,
) -> tuple[CallSite, _edit.Edit] | None:
    """The statement with its filter across the relation as an Exists (the same parents,
    each once) and the prefetch given a queryset with the same filter.

    Only for a one-level lookup filtered in one ``filter()`` call of the same statement:
    two calls (or a Q) mean two joins, and "the matching rows" is no longer one filter.
    """
    path = _exists.query_path(model, lookup)
    if "__" in lookup or path is None or relation.path != path:
        return None
    related = _compose.model_class(relation.model)
    near = site or origin
    if near is None:
        return None
    for code in _behind.statements_behind(site) + _behind.statements_behind(origin):
        calls = _calls_on(code, path)
        literal = _prefetch_literal(code, lookup)
        if len(calls) != 1 or literal is None or related is None:
            continue
        moved = [
            f"{_exists.on_relation(k.arg or '', path)}={_source.text(code, k.value)}"
            for k in calls[0].keywords
            if _exists.on_relation(k.arg or "", path) is not None
        ]
        spans = _exists_edit.spans(code, model, [path], negated=False)
        if not spans:
            continue
        prefetch = (
            f'Prefetch("{lookup}", queryset={related.__name__}.objects.filter({", ".join(moved)}))'
        )
        edit = _edit.rewrite_spans(code, [*spans, _exists_edit.span(literal, prefetch)])
        if edit is not None:
            return _behind.site_of(code, near), edit
    return None


def _calls_on(code: _source.Code, path: str) -> list[ast.Call]:
    """The calls (filter, exclude, get, Q) with a keyword across ``path``."""
    return [
        node
        for root in _source.header(code)
        for node in ast.walk(root)
        if isinstance(node, ast.Call)
        and any(_exists.on_relation(k.arg or "", path) is not None for k in node.keywords)
    ]


def _prefetch_literal(code: _source.Code, lookup: str) -> ast.expr | None:
    """The ``"lookup"`` argument of a ``prefetch_related()`` call in the statement."""
    for root in _source.header(code):
        for node in ast.walk(root):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
                continue
            if node.func.attr != "prefetch_related":
                continue
            for arg in node.args:
                if isinstance(arg, ast.Constant) and arg.value == lookup:
                    return arg
    return None


KIND = KindSpec(
    kind=Kind.PREFETCH_DOUBLE_FETCH,
    label="double prefetch",
    plural="double prefetches",
    detect=detect,
)
