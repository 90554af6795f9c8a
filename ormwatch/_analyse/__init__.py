"""The analyse stage: every detector over one report's queries.

Each finding kind is one module here declaring its ``KindSpec`` (``KIND``);
``_registry`` collects them in run order. A detector is a function from an
``Analysis`` (the queries, the settings, and shared attribution) to findings.
Queries a finding explains are claimed, so a later detector (duplicates) does
not report them again. Each runs fail-open: one that raises is logged once
and the others still report.
"""

from __future__ import annotations

from collections.abc import Sequence

from ormwatch import _conf, _failsafe, _ignore
from ormwatch._analyse import _registry
from ormwatch._analyse._analysis import Analysis
from ormwatch._analyse._spec import Detect, KindSpec
from ormwatch._finding import Finding
from ormwatch._fix import _merge
from ormwatch._kinds import Severity
from ormwatch._query import Query

__all__ = ["Detect", "KindSpec", "analyse"]


def analyse(
    queries: Sequence[Query],
    kinds: Sequence[KindSpec] | None = None,
    settings: _conf.Settings | None = None,
) -> list[Finding]:
    """Run the detectors of ``kinds`` (default: all registered); their findings, loudest first."""
    analysis = Analysis(queries, settings or _conf.get())
    findings: list[Finding] = []
    for spec in _registry.all_kinds() if kinds is None else kinds:
        try:
            for finding in spec.detect(analysis):
                findings.append(finding)
                if spec.claims:
                    analysis.claimed.update(q.index for q in finding.queries)
        except Exception as exc:
            _failsafe.swallow(f"detector {getattr(spec.detect, '__module__', spec.name)!s}", exc)
    rules = analysis.settings.ignore
    kept = [
        f
        for f in findings
        if not _ignore.silenced_in_code(f) and not any(_ignore.matches(r, f) for r in rules)
    ]
    kept.sort(key=lambda f: (Severity.rank(f.severity), -f.duration_ms))
    try:
        _merge.share_statements(kept)
    except Exception as exc:
        _failsafe.swallow("merging the edits of one statement", exc)
    return kept
