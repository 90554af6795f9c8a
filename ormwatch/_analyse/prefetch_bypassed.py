"""A related-manager call that queried although the relation was prefetched.

``pizza.toppings.filter(spicy=True)`` ignores the prefetched ``toppings`` and
runs a query per pizza: only ``.all()`` reads the cache.
"""

from __future__ import annotations

from collections.abc import Iterator

from ormwatch._analyse._analysis import Analysis, code_site
from ormwatch._analyse._spec import KindSpec
from ormwatch._finding import Finding
from ormwatch._kinds import Kind
from ormwatch._query import Query


def detect(analysis: Analysis) -> Iterator[Finding]:
    groups: dict[tuple[str, object], list[Query]] = {}
    for query in analysis.queries:
        orm = query.orm
        if orm.kind == "related_manager" and orm.prefetched and orm.relation is not None:
            groups.setdefault((str(orm.relation), query.call_site), []).append(query)
    for queries in groups.values():
        first = queries[0]
        relation = first.orm.relation
        assert relation is not None
        related = (relation.related_model or "Related.Model").rsplit(".", 1)[-1]
        field = relation.field
        owner = relation.model.rsplit(".", 1)[-1]
        var = owner.lower()
        fix = (
            f"[x for x in {var}.{field}.all() if ...]  # filter the prefetched rows in Python\n"
            f"# or prefetch the filtered rows:\n"
            f'{owner}.objects.prefetch_related(Prefetch("{field}", '
            f'queryset={related}.objects.filter(...), to_attr="{field}_filtered"))'
        )
        yield Finding(
            kind=Kind.PREFETCH_BYPASSED,
            message=(
                f"Prefetch bypassed: {len(queries)} queries on {relation} although it was "
                f"prefetched; a manager method other than all() (filter, exclude, order_by, "
                f"values, ...) ignores the prefetch cache and queries again"
            ),
            call_site=first.call_site,
            origin=code_site(analysis.loader(first)) or first.call_site,
            fix=fix,
            relation=relation,
            queries=queries,
            saved_queries=len(queries),
        )


KIND = KindSpec(
    kind=Kind.PREFETCH_BYPASSED,
    label="prefetch bypassed",
    plural="prefetches bypassed",
    detect=detect,
)
