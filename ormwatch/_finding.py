"""A finding: something wrong with a set of queries, where it happened, and the fix."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ormwatch._fix._edit import Edit
from ormwatch._query import CallSite, Query, Relation

__all__ = ["Finding"]


@dataclass(slots=True, eq=False)
class Finding:
    """Something wrong with a set of queries, where it happened, and the fix.

    ``call_site`` is the line that triggered the queries (a template line when
    a template did); ``origin`` is the line where the queryset should change;
    ``fix`` is the whole new statement to write there; ``edits`` say exactly
    which lines of which file it replaces (empty when no code can be written
    with certainty: the message then says what to do in words). ``loop_site``
    is the user line that repeats the call site when that is not the call
    site itself (a template loop calling a model method that runs the query).
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
    edits: tuple[Edit, ...] = ()

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
            "edits": [e.to_dict() for e in self.edits],
        }
