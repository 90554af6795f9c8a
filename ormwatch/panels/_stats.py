"""A request's ``Report`` as the toolbar stores it: plain, bounded, JSON-stable data.

The toolbar serialises a panel's stats to JSON and later renders the panel
from the stored copy in a new panel object. So the stats hold only what the
template needs, in types that survive a JSON round trip unchanged (str keys,
lists, numbers, strings, ``None``): rendering from the live dict and from the
stored one gives the same HTML.

Bounds: at most ``PANEL_MAX_QUERIES`` queries are stored (the first ones, plus
each finding's sample query), the rest are counted; SQL text (with long ``IN``
lists collapsed), parameters and fragments are cut to a fixed length; call
sites, SQL text and shape groups are stored once and referenced by number,
because an N+1 repeats the same site and statement hundreds of times.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import Any

from ormwatch._finding import Finding
from ormwatch._query import CallSite, Query
from ormwatch._report import Report
from ormwatch.panels._labels import severity_rank
from ormwatch.panels._sql import collapse_in_lists

__all__ = ["VERSION", "build", "disabled", "empty"]

VERSION = 1
# Characters of one statement's SQL kept; a huge IN list must not bloat the store.
MAX_SQL = 10_000
MAX_PARAMS_TEXT = 500
MAX_FRAGMENT = 2_000
# Findings stored in full; more than this on one page is noise, and is counted.
MAX_FINDINGS = 300


def _cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return f"{text[:limit]} /* … {len(text) - limit:,} more characters */"


def _short_path(path: str) -> str:
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return path
    return path if rel.startswith("..") else rel


def _params_text(params: Any) -> str:
    if params is None:
        return ""
    text = json.dumps(params, ensure_ascii=False, default=str)
    return text if len(text) <= MAX_PARAMS_TEXT else f"{text[:MAX_PARAMS_TEXT]}…"


class _Interner:
    """Numbers distinct values in order of first use, so each is stored once."""

    def __init__(self) -> None:
        self.ids: dict[Any, int] = {}
        self.values: list[Any] = []

    def add(self, key: Any, make: Callable[[], Any]) -> int:
        found = self.ids.get(key)
        if found is None:
            found = self.ids[key] = len(self.values)
            self.values.append(make())
        return found


def _sort_key(finding: Finding) -> tuple[int, float, int]:
    # Worst first: by severity, then by the time the finding's queries took.
    return (severity_rank(str(finding.severity)), -finding.duration_ms, -finding.query_count)


def build(report: Report, max_queries: int) -> dict[str, Any]:
    """The panel's stats for ``report``, storing at most ``max_queries`` queries in full."""
    queries = report.queries
    findings = sorted(report.findings, key=_sort_key)
    stored_findings = findings[:MAX_FINDINGS]

    # Which stored finding (numbered from 1, in display order) each query belongs to.
    owners: dict[int, list[int]] = {}
    for number, finding in enumerate(stored_findings, start=1):
        for query in finding.queries:
            owners.setdefault(query.index, []).append(number)

    keep = {q.index for q in queries[:max_queries]}
    # A finding's sample statement is shown with it even past the cap.
    keep.update(f.queries[0].index for f in stored_findings if f.queries)
    kept = [q for q in queries if q.index in keep]

    group_sizes: dict[str, list[float]] = {}
    for query in queries:
        size = group_sizes.setdefault(query.fingerprint, [0, 0.0])
        size[0] += 1
        size[1] += query.duration_ms

    sites = _Interner()
    sqls = _Interner()
    groups = _Interner()

    def site(call_site: CallSite | None) -> int | None:
        if call_site is None:
            return None
        return sites.add(
            call_site,
            lambda: {
                "path": call_site.path,
                "short": _short_path(call_site.path),
                "line": call_site.line,
                "function": call_site.function,
                "code": call_site.code,
                "kind": call_site.kind,
            },
        )

    def group(fingerprint: str) -> int:
        count, duration = group_sizes[fingerprint]
        return groups.add(
            fingerprint,
            lambda: {
                "count": int(count),
                "duration_ms": round(duration, 4),
            },
        )

    def query_stats(query: Query) -> dict[str, Any]:
        orm = query.orm
        return {
            "index": query.index,
            # Long IN lists are collapsed before the cut, so a list of 5,000
            # placeholders neither fills the store nor loses the rest of the SQL.
            "sql": sqls.add(query.sql, lambda: _cut(collapse_in_lists(query.sql), MAX_SQL)),
            "params": _params_text(query.params),
            "alias": query.alias,
            "vendor": query.vendor,
            "duration_ms": round(query.duration_ms, 4),
            "start_ms": round(query.start_ms, 4),
            "group": group(query.fingerprint),
            "call_site": site(query.call_site),
            "stack": [s for s in (site(frame) for frame in query.stack) if s is not None],
            "orm": {
                "kind": orm.kind,
                "method": orm.method,
                "model": orm.model,
                "relation": str(orm.relation) if orm.relation else None,
            },
            "error": query.error,
            "findings": owners.get(query.index, []),
        }

    query_rows = [query_stats(q) for q in kept]
    finding_rows = [
        {
            "number": number,
            "kind": str(f.kind),
            "severity": str(f.severity),
            "message": f.message,
            "call_site": site(f.call_site),
            "origin": site(f.origin),
            "loop_site": site(f.loop_site),
            "fix": f.fix,
            "relation": str(f.relation) if f.relation else None,
            "query_count": f.query_count,
            "duration_ms": round(f.duration_ms, 4),
            "saved_queries": f.saved_queries,
            "sql_fragment": _cut(f.sql_fragment, MAX_FRAGMENT) if f.sql_fragment else None,
            "sample": f.queries[0].index if f.queries else None,
        }
        for number, f in enumerate(stored_findings, start=1)
    ]
    return {
        "version": VERSION,
        "recording": True,
        "query_count": report.query_count,
        "stored_count": len(query_rows),
        "max_queries": max_queries,
        "sql_ms": round(report.sql_ms, 4),
        "finding_count": len(findings),
        "findings": finding_rows,
        "queries": query_rows,
        "sites": sites.values,
        "sqls": sqls.values,
        "groups": groups.values,
    }


def disabled() -> dict[str, Any]:
    """Stats for a request ormwatch did not record (``ORMWATCH["ENABLED"]`` is off)."""
    return {**empty(), "recording": False}


def empty() -> dict[str, Any]:
    """Stats for a request that ran no SQL."""
    return {
        "version": VERSION,
        "recording": True,
        "query_count": 0,
        "stored_count": 0,
        "max_queries": 0,
        "sql_ms": 0.0,
        "finding_count": 0,
        "findings": [],
        "queries": [],
        "sites": [],
        "sqls": [],
        "groups": [],
    }
