"""The report a watch() block hands back."""

from __future__ import annotations

from collections.abc import Iterable
from time import perf_counter
from typing import TYPE_CHECKING, Any

from ormwatch import _failsafe
from ormwatch._finding import Finding
from ormwatch._fix._patch import unified_diff
from ormwatch._query import Query

if TYPE_CHECKING:
    from ormwatch._record._recording import Recording

__all__ = ["Report", "failing_findings"]


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

    def patch(self, cwd: str | None = None) -> str:
        """Every finding's edits as one unified diff (paths relative to ``cwd``).

        Edits of one statement are merged, and the imports the fixes need are
        added; ``git apply`` takes the result.
        """
        return unified_diff((e for f in self.findings for e in f.edits), cwd)

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
