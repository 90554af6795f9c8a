"""A single statement slower than ``SLOW_QUERY_MS``."""

from __future__ import annotations

from collections.abc import Iterator

from ormwatch._analyse._analysis import Analysis
from ormwatch._finding import Finding
from ormwatch._kinds import Kind


def detect(analysis: Analysis) -> Iterator[Finding]:
    limit = analysis.settings.slow_query_ms
    for query in analysis.queries:
        if query.duration_ms <= limit or query.is_transaction:
            continue
        model = (query.orm.model or "").rsplit(".", 1)[-1]
        yield Finding(
            kind=Kind.SLOW_QUERY.value,
            message=(
                f"Slow query: {query.duration_ms:.1f} ms (limit {limit:g} ms)"
                + (f" on {model}" if model else "")
                + "; read its plan (the queryset's explain(), or EXPLAIN before the SQL) "
                "for a missing index or a large scan"
            ),
            call_site=query.call_site,
            origin=query.call_site,
            # No code is right without the plan: the message says what to do.
            fix=None,
            queries=[query],
        )
