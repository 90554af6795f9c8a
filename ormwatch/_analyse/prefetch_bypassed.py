"""A related-manager call that queried although the relation was prefetched.

``pizza.toppings.filter(spicy=True)`` ignores the prefetched ``toppings`` and
runs a query per pizza (seeds 001 and 004): only ``.all()`` reads the cache.
"""

from __future__ import annotations

from collections.abc import Iterator

from ormwatch._analyse._analysis import Analysis, code_site
from ormwatch._finding import Finding
from ormwatch._fix import _compose, _in_python
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
        model = _compose.model_class(relation.related_model)
        site = first.call_site
        written = (
            _in_python.rewrite(site, relation.field, model, first.vendor)
            if site is not None
            else None
        )
        # Filtering in Python is the fix, so it belongs where the filter is written.
        origin = site if written is not None else code_site(analysis.loader(first)) or site
        yield Finding(
            kind=Kind.PREFETCH_BYPASSED.value,
            message=(
                f"Prefetch bypassed: {len(queries)} queries on {relation} although it was "
                f"prefetched; a manager method other than all() (filter(), exclude(), "
                f"order_by(), values()) ignores the prefetch cache and queries again: filter "
                f"the prefetched rows in Python, or prefetch only the rows you need with a "
                f"Prefetch() whose queryset filters them"
            ),
            call_site=site,
            origin=origin,
            fix=written.code if written is not None else None,
            relation=relation,
            queries=queries,
            saved_queries=len(queries),
            edits=(written.edit,) if written is not None and written.edit is not None else (),
        )
