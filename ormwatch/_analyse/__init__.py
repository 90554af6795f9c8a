"""The analyse stage: every detector over one report's queries.

A detector is a function from the recorded queries to findings, registered in
``DETECTORS``. Each runs fail-open: one that raises is logged once and the
others still report.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from ormwatch import _failsafe
from ormwatch._query import Query
from ormwatch._report import Finding

Detector = Callable[[Sequence[Query]], Iterable[Finding]]

# Detector modules land here one by one (N+1, prefetch bypassed, ...).
DETECTORS: list[Detector] = []


def analyse(queries: Sequence[Query], detectors: Sequence[Detector] | None = None) -> list[Finding]:
    """Run ``detectors`` (default: all registered) and collect their findings."""
    findings: list[Finding] = []
    for detector in DETECTORS if detectors is None else detectors:
        try:
            findings.extend(detector(queries))
        except Exception as exc:
            _failsafe.swallow(f"detector {getattr(detector, '__name__', detector)!s}", exc)
    return findings
