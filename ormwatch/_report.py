"""Findings and the report a watch() block hands back."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from time import perf_counter
from typing import TYPE_CHECKING, Any

from ormwatch import _failsafe
from ormwatch._query import CallSite, Query, Relation

if TYPE_CHECKING:
    from ormwatch._record._recording import Recording

__all__ = ["Finding", "Report"]


@dataclass(slots=True, eq=False)
class Finding:
    """Something wrong with a set of queries, where it happened, and the fix.

    ``call_site`` is the line that triggered the queries (a template line when
    a template did); ``origin`` is the line where the queryset should change;
    ``fix`` is the code to write there. ``loop_site`` is the user line that
    repeats the call site when that is not the call site itself (a template
    loop calling a model method that runs the query).
    """

    kind: str
    message: str
    severity: str = "warning"
    call_site: CallSite | None = None
    origin: CallSite | None = None
    fix: str | None = None
    relation: Relation | None = None
    queries: list[Query] = field(default_factory=list)
    saved_queries: int = 0
    sql_fragment: str | None = None
    details: dict[str, Any] = field(default_factory=dict)
    loop_site: CallSite | None = None

    @property
    def query_count(self) -> int:
        return len(self.queries)

    @property
    def informational(self) -> bool:
        """An ``info`` finding: logged at INFO and shown, but it never fails a test or a request."""
        return self.severity == "info"

    @property
    def duration_ms(self) -> float:
        return sum(q.duration_ms for q in self.queries)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "message": self.message,
            "severity": self.severity,
            "call_site": self.call_site.to_dict() if self.call_site else None,
            "origin": self.origin.to_dict() if self.origin else None,
            "loop_site": self.loop_site.to_dict() if self.loop_site else None,
            "fix": self.fix,
            "relation": self.relation.to_dict() if self.relation else None,
            "query_count": self.query_count,
            "duration_ms": round(self.duration_ms, 4),
            "queries": [q.index for q in self.queries],
            "saved_queries": self.saved_queries,
            "sql_fragment": self.sql_fragment,
            "details": self.details,
        }


class Report:
    """What a ``watch()`` block recorded.

    ``queries`` fills while the block runs; ``findings`` is analysed from the
    queries recorded so far, once per new query count (so a middleware inside
    a toolbar panel can read findings before the outer scope ends).
    ``query_count`` includes statements past the ``MAX_QUERIES`` cap, which
    are counted but not kept.
    """

    def __init__(self, recording: Recording) -> None:
        self._recording = recording
        self._findings: list[Finding] = []
        self._analysed_count = -1

    @property
    def findings(self) -> list[Finding]:
        if self._analysed_count != self._recording.count:
            from ormwatch._analyse import analyse

            self._analysed_count = self._recording.count
            try:
                self._findings = analyse(self._recording.queries, settings=self._recording.settings)
            except Exception as exc:  # fail-open: no findings rather than a broken request
                _failsafe.swallow("analysing a report", exc)
                self._findings = []
        return self._findings

    @property
    def queries(self) -> list[Query]:
        return self._recording.queries

    @property
    def query_count(self) -> int:
        return self._recording.count

    @property
    def dropped_count(self) -> int:
        """Statements past the cap: counted, not kept."""
        return self._recording.overflow

    @property
    def sql_ms(self) -> float:
        """Time spent in the database, all statements included."""
        return self._recording.total_ms

    @property
    def duration_ms(self) -> float:
        """Wall time of the block (so far, while it runs)."""
        end = self._recording.ended or perf_counter()
        return (end - self._recording.started) * 1000.0

    def __repr__(self) -> str:
        return (
            f"<ormwatch.Report {self.query_count} queries, {self.sql_ms:.1f} ms, "
            f"{len(self.findings)} findings>"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "query_count": self.query_count,
            "dropped_count": self.dropped_count,
            "sql_ms": round(self.sql_ms, 4),
            "duration_ms": round(self.duration_ms, 4),
            "queries": [q.to_dict() for q in self.queries],
            "findings": [f.to_dict() for f in self.findings],
        }


def failing_findings(findings: Iterable[Finding], kinds: Iterable[str] = ()) -> list[Finding]:
    """The findings that fail a test or a request: of ``kinds`` when given, never ``info`` ones."""
    wanted = {str(k) for k in kinds}
    return [f for f in findings if not f.informational and (not wanted or f.kind in wanted)]
