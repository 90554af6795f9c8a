"""Chained single loads: ``order.shop.owner.profile`` on one object, one query per hop.

No loop repeats them, so this is not an N+1 of many instances, but each hop
waits for the one before, and one ``select_related("shop__owner__profile")``
on the queryset that loaded the order joins them all. An ``info`` shape of
``n_plus_one`` (``details["shape"] == "chained_lazy_load"``): at least
``MIN_HOPS`` lazy loads of single-valued relations, each on the object the
previous one loaded, from a queryset whose building line is found. A single
lazy load stays silent.
"""

from __future__ import annotations

from collections.abc import Iterator

from ormwatch._analyse._analysis import Analysis, builder_site
from ormwatch._finding import Finding
from ormwatch._fix import _compose
from ormwatch._kinds import Kind
from ormwatch._query import Query

MIN_HOPS = 3
_SINGLE = frozenset({"forward_fk", "forward_o2o", "reverse_o2o"})
SHAPE = "chained_lazy_load"


def detect(analysis: Analysis, taken: set[int]) -> Iterator[Finding]:
    """Chains among the lazy loads not in ``taken`` (those an N+1 already explains)."""
    hops = [q for q in analysis.queries if _hop(q) and q.index not in taken]
    inner = {analysis.loader(q).index for q in hops if analysis.loader(q) is not None}  # type: ignore[union-attr]
    for leaf in hops:
        if leaf.index in inner:
            continue  # a longer chain goes through it
        chain = _chain(analysis, leaf, taken)
        if chain is not None:
            finding = _finding(*chain)
            if finding is not None:
                yield finding


def _hop(query: Query) -> bool:
    relation = query.orm.relation
    return (
        query.orm.kind == "lazy_load"
        and relation is not None
        and relation.kind in _SINGLE
        and not query.orm.batched
    )


def _chain(analysis: Analysis, leaf: Query, taken: set[int]) -> tuple[Query, list[Query]] | None:
    loads = [leaf]
    root = analysis.loader(leaf)
    while root is not None and _hop(root) and root.index not in taken:
        loads.append(root)
        root = analysis.loader(root)
    if len(loads) < MIN_HOPS or root is None or root.orm.kind != "query" or root.orm.values:
        return None
    return root, loads[::-1]


def _finding(root: Query, loads: list[Query]) -> Finding | None:
    first = loads[0].orm.relation
    assert first is not None
    if root.orm.model != first.model:
        return None  # the chain starts on an object another hop loaded
    name = first.model.rsplit(".", 1)[-1]
    origin = builder_site(root, name)
    path = "__".join(q.orm.relation.field for q in loads if q.orm.relation is not None)
    eager = _compose.eager(first.model, [path], origin) if origin is not None else None
    if eager is None or eager.prefetch_related:
        return None
    what = first.model + "." + path.replace("__", ".")
    return Finding(
        kind=Kind.N_PLUS_ONE.value,
        severity="info",
        message=(
            f"Chained lazy loads: {len(loads)} queries loading {what} one after another "
            f"({sum(q.duration_ms for q in loads):.1f} ms); "
            f'join them with select_related("{path}")'
        ),
        call_site=loads[-1].call_site,
        origin=origin,
        fix=eager.code,
        relation=loads[-1].orm.relation,
        queries=loads,
        saved_queries=len(loads),
        details={"shape": SHAPE, "path": path},
    )
