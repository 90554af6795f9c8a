"""``prefetch_related("rel")`` with ``filter(rel__x=...)``: the related rows fetched twice.

The filter joins ``rel`` into the main query, and the prefetch then runs its
own query for every ``rel`` row of each result, ignoring the filter (seeds
001 and 002). A lookup given as ``Prefetch("rel", queryset=...)`` is the
fix, not the problem, and is never reported.
"""

from __future__ import annotations

from collections.abc import Iterator

from ormwatch._analyse import _fragment
from ormwatch._analyse._analysis import Analysis, builder_site, code_site
from ormwatch._finding import Finding
from ormwatch._fix import _chain, _compose, _exists, _source
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
    origin = builder_site(main, name) or code_site(main) or main.call_site
    fix = _fix_code(origin, name, lookup, relation.path.split("__")[0], related)
    extra = len(queries) - 1
    conditions = ", ".join(f"{relation.path}__{c}" for c in relation.conditions) or relation.path
    message = (
        f"Prefetch double fetch: filter({conditions}=...) joins {related} into the {name} "
        f'query, then prefetch_related("{lookup}") runs its own query for every {related} of '
        f"those rows, ignoring that filter "
        f'(seeds 001, 002); prefetch only the matching rows with Prefetch("{lookup}", '
        f"queryset={related}.objects.filter(...)), or drop the prefetch_related"
    )
    field = _relations.find(_compose.model_class(model), lookup.split("__")[0])
    return Finding(
        kind=Kind.PREFETCH_DOUBLE_FETCH.value,
        message=message,
        call_site=main.call_site,
        origin=origin,
        fix=fix,
        relation=_relations.relation(_compose.model_class(model), field) if field else None,
        queries=queries,
        saved_queries=extra,
        sql_fragment=_fragment.join_fragment(main.sql, relation.aliases),
    )


def _fix_code(origin: CallSite | None, name: str, lookup: str, path: str, related: str) -> str:
    """The origin's chain with the rel__ filters moved into a Prefetch queryset."""
    chain = _chain.queryset_at(origin, name)
    moved: list[str] = []
    if chain is not None:
        for link in chain.calls("filter"):
            kept = []
            for keyword, value in link.args or ():
                relative = _exists.on_relation(keyword or "", path)
                if relative is None:
                    kept.append((keyword, value))
                else:
                    moved.append(f"{relative}={value}")
            link.args = kept
        chain.drop_empty("filter")
        prefetch = f'Prefetch("{lookup}", queryset={related}.objects.filter({", ".join(moved)}))'
        for link in chain.calls("prefetch_related"):
            link.args = [
                (k, prefetch if _source.literal(v) == lookup else v) for k, v in link.args or ()
            ]
    if chain is None or not moved or origin is None:
        return (
            f'{name}.objects.filter(...).prefetch_related(Prefetch("{lookup}", '
            f"queryset={related}.objects.filter(...)))  # only the matching {related} rows"
        )
    rewritten = chain.in_line(origin.line)
    return (
        f"{rewritten}  # the filter now picks the prefetched {related} rows, no join\n"
        f'# or keep the join, drop prefetch_related("{lookup}") and add .distinct()'
    )
