"""``Model.objects.get(pk=...)`` once per item of a loop: an N+1 of single-row lookups.

Each statement is one ``get()`` at one line with its own parameters, repeated
by a loop (the line loops, or a line out from it does: a helper called from
two separate lines is no loop). The rows can be loaded in one query before the
loop (``in_bulk()``, a dict by key, or ``filter(pk__in=...)``). Rewriting the
loop into that is not exact (the loop's items may be a generator read once,
and a missing row raises ``KeyError``, not ``DoesNotExist``), so the fix is
said in words.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from ormwatch._analyse import _loop
from ormwatch._analyse._analysis import Analysis, built_by_library
from ormwatch._finding import Finding
from ormwatch._fix import _source
from ormwatch._kinds import Kind
from ormwatch._query import CallSite, Query

SHAPE = "get_in_loop"


def detect(analysis: Analysis) -> Iterator[Finding]:
    groups: dict[tuple[int, str, CallSite], list[Query]] = {}
    for query in analysis.queries:
        orm = query.orm
        site = query.call_site
        if orm.kind != "query" or orm.method != "get" or site is None or not orm.model:
            continue
        if query.error is not None or built_by_library(query):
            continue
        groups.setdefault((query.segment, query.fingerprint, site), []).append(query)
    threshold = analysis.settings.n_plus_one_threshold
    for queries in groups.values():
        keys = {q.params_key if q.params_key is not None else repr(q.params) for q in queries}
        if len(keys) >= threshold and _loop.repeats(queries[0]):
            yield _finding(queries)


def _finding(queries: list[Query]) -> Finding:
    first = queries[0]
    model = first.orm.model or ""
    name = model.rsplit(".", 1)[-1]
    field = _lookup(first.call_site)
    if field in ("pk", "id"):
        how = (
            f"{name}.objects.in_bulk() given the list of primary keys returns a dict of "
            f"the rows by primary key, or {name}.objects.filter(pk__in=) a list"
        )
    elif field is not None:
        how = f"{name}.objects.filter({field}__in=) given the list of values"
    else:
        how = f"{name}.objects.in_bulk() or {name}.objects.filter() with an __in lookup"
    message = (
        f"N+1: {len(queries)} queries of {name}.objects.get() "
        f"({sum(q.duration_ms for q in queries):.1f} ms), one per item of a loop; "
        f"load the rows in one query before the loop ({how}) and look each item up in it"
    )
    return Finding(
        kind=Kind.N_PLUS_ONE,
        message=message,
        call_site=first.call_site,
        origin=first.call_site,
        fix=None,
        queries=queries,
        saved_queries=len(queries) - 1,
        details={"shape": SHAPE, "model": model, "lookup": field},
        loop_site=_loop.loop_site(first),
    )


def _lookup(site: CallSite | None) -> str | None:
    """The one keyword of the ``get()`` call at ``site`` (``pk``), if there is one."""
    code = _source.code_at(site) if site is not None else None
    if code is None:
        return None
    calls = [
        node
        for node in ast.walk(code.statement)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "get"
        and node.lineno <= site.line <= (node.end_lineno or node.lineno)  # type: ignore[union-attr]
    ]
    if len(calls) != 1 or calls[0].args or len(calls[0].keywords) != 1:
        return None
    return calls[0].keywords[0].arg
