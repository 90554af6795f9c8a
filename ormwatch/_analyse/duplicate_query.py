"""The same SQL with the same parameters, run more than once.

Usually a queryset evaluated twice instead of its result being reused.
Statements an earlier detector explained (N+1 loads) are not counted again.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence

from ormwatch._analyse import _loop, _testcode
from ormwatch._analyse._analysis import Analysis, ran_by_library
from ormwatch._analyse._spec import KindSpec
from ormwatch._finding import Finding
from ormwatch._fix import _hoist
from ormwatch._kinds import Kind
from ormwatch._query import Query
from ormwatch._stack._callsite import MACHINERY


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


def _writes(query: Query) -> bool:
    if query.orm.kind == "write":
        return True
    return query.sql.lstrip()[:7].upper().startswith(_WRITE_VERBS)


_WRITE_VERBS = ("INSERT", "UPDATE", "DELETE", "REPLACE", "MERGE")


def _library_repeats(queries: list[Query], sites: Sequence[object]) -> bool:
    """One call of a library API (a migrate command, an importer) repeated them inside."""
    if all(q.library_call == MACHINERY for q in queries):
        return True  # Django's schema machinery, even run once per app by the user's loop
    one_call = len(sites) == 1 and all(q.library_call for q in queries)
    return one_call and not _loop.repeats(queries[0])


def detect(analysis: Analysis) -> Iterator[Finding]:
    # Per request segment: two requests of one test loading the same row are no
    # duplicate. Per write: the same SELECT after an INSERT, UPDATE or DELETE
    # reads again on purpose (the answer may have changed), so a write starts
    # new groups.
    groups: dict[tuple[int, int, object, str, str, object], list[Query]] = {}
    writes = 0
    for query in analysis.queries:
        if _writes(query):
            writes += 1
            continue
        if query.index in analysis.claimed or query.is_transaction:
            continue
        if query.call_site is None or ran_by_library(query):
            continue  # (library code inside a view: no line of the user's runs it twice)
        if query.params is None and query.params_key is None:  # an executemany iterator
            continue
        real = _same(query.params) if query.params_key is None else query.params_key
        # Two test lines each calling the same helper make two calls, not a repeat.
        test = _testcode.test_line(query)
        key = (query.segment, writes, test, query.alias, query.sql, real)
        groups.setdefault(key, []).append(query)
    for queries in groups.values():
        if len(queries) < analysis.settings.duplicate_threshold:
            continue
        sites = list(dict.fromkeys(q.call_site for q in queries if q.call_site is not None))
        if _library_repeats(queries, sites):
            continue
        where = ", ".join(str(s) for s in sites)
        fix = _hoist.hoisted(sites)
        yield Finding(
            kind=Kind.DUPLICATE_QUERY,
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


KIND = KindSpec(
    kind=Kind.DUPLICATE_QUERY,
    label="duplicate",
    plural="duplicates",
    detect=detect,
)
