"""The analyse stage: every detector over one report's queries.

A detector is a function from an ``Analysis`` (the queries, the settings, and
shared attribution) to findings, listed in ``DETECTORS``. They run in order:
queries a finding explains are claimed, so a later detector (duplicates)
does not report them again. Each runs fail-open: one that raises is logged
once and the others still report.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from ormwatch import _conf, _failsafe, _ignore
from ormwatch._analyse import (
    duplicate_query,
    eager_load_ignored,
    full_fetch_for_count,
    n_plus_one,
    prefetch_bypassed,
    prefetch_double_fetch,
    repeated_write,
    slow_query,
    unexpected_join,
    unexpected_subquery,
    unused_eager_load,
)
from ormwatch._analyse._analysis import Analysis
from ormwatch._finding import Finding
from ormwatch._query import Query

Detector = Callable[[Analysis], Iterable[Finding]]

DETECTORS: list[Detector] = [
    n_plus_one.detect,
    prefetch_bypassed.detect,
    repeated_write.detect,
    slow_query.detect,
    unexpected_subquery.detect,
    prefetch_double_fetch.detect,
    unexpected_join.detect,
    eager_load_ignored.detect,
    unused_eager_load.detect,
    full_fetch_for_count.detect,
    duplicate_query.detect,  # last: skips what the others explained
]

# Kinds about one statement's shape or cost: they do not explain why a
# statement ran more than once, so duplicate_query still counts it.
_CLAIMS_NOTHING = frozenset(
    {
        "slow_query",
        "unexpected_subquery",
        "unexpected_join",
        "eager_load_ignored",
        "unused_eager_load",
        "full_fetch_for_count",
    }
)

_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


def analyse(
    queries: Sequence[Query],
    detectors: Sequence[Detector] | None = None,
    settings: _conf.Settings | None = None,
) -> list[Finding]:
    """Run ``detectors`` (default: all registered) and collect their findings, loudest first."""
    analysis = Analysis(queries, settings or _conf.get())
    findings: list[Finding] = []
    for detector in DETECTORS if detectors is None else detectors:
        try:
            for finding in detector(analysis):
                findings.append(finding)
                if finding.kind not in _CLAIMS_NOTHING:
                    analysis.claimed.update(q.index for q in finding.queries)
        except Exception as exc:
            _failsafe.swallow(f"detector {getattr(detector, '__module__', detector)!s}", exc)
    rules = analysis.settings.ignore
    kept = [
        f
        for f in findings
        if not _ignore.silenced_in_code(f) and not any(_ignore.matches(r, f) for r in rules)
    ]
    kept.sort(key=lambda f: (_SEVERITY_ORDER.get(f.severity, 3), -f.duration_ms))
    return kept
