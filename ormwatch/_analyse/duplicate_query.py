"""The same SQL with the same parameters, run more than once (seed 001).

Usually a queryset evaluated twice instead of its result being reused.
Statements an earlier detector explained (N+1 loads) are not counted again.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from ormwatch._analyse._analysis import Analysis, ran_by_library
from ormwatch._finding import Finding
from ormwatch._fix import _hoist
from ormwatch._kinds import Kind
from ormwatch._query import Query


def _same(params: object) -> object:
    """A key equal for equal parameters: a tuple for the usual flat row (cheap), else JSON."""
    if type(params) is list:
        row = tuple(params)
        try:
            hash(row)
        except TypeError:  # a nested list or dict in the row
            pass
        else:
            return row
    return json.dumps(params, default=str, sort_keys=True)


def detect(analysis: Analysis) -> Iterator[Finding]:
    # Per request segment: two requests of one test loading the same row are no duplicate.
    groups: dict[tuple[int, str, str, object], list[Query]] = {}
    for query in analysis.queries:
        if query.index in analysis.claimed or query.is_transaction:
            continue
        if query.orm.kind == "write" or query.call_site is None or ran_by_library(query):
            continue  # (library code inside a view: no line of the user's runs it twice)
        if query.params is None and query.params_key is None:  # an executemany iterator
            continue
        real = _same(query.params) if query.params_key is None else query.params_key
        key = (query.segment, query.alias, query.sql, real)
        groups.setdefault(key, []).append(query)
    for queries in groups.values():
        if len(queries) < analysis.settings.duplicate_threshold:
            continue
        sites = list(dict.fromkeys(q.call_site for q in queries if q.call_site is not None))
        where = ", ".join(str(s) for s in sites)
        between = analysis.queries[queries[0].index + 1 : queries[-1].index]
        # A write between the runs may change the answer: reusing it is no longer the same.
        written = any(q.orm.kind == "write" for q in between)
        fix = None if written else _hoist.hoisted(sites)
        yield Finding(
            kind=Kind.DUPLICATE_QUERY.value,
            message=(
                f"Duplicate query: the same SQL and parameters ran {len(queries)} times "
                f"({sum(q.duration_ms for q in queries):.1f} ms) at {where}; reuse the first result"
            ),
            call_site=sites[0] if sites else None,
            origin=sites[0] if sites else None,
            fix=fix[0] if fix else None,
            queries=queries,
            saved_queries=len(queries) - 1,
            details={"call_sites": [s.to_dict() for s in sites]},
            edits=fix[1] if fix else (),
        )
