"""What ormwatch records about one SQL statement: plain, immutable-ish data.

Detectors and outputs read only these objects, never frames, so everything the
ORM was doing when the statement ran is captured here as structured data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ormwatch._query._context import (
    EMPTY_CONTEXT,
    ContextFields,
    ImplicitSubquery,
    JoinedRelation,
    OrmContext,
    Relation,
)
from ormwatch._query._site import CallSite
from ormwatch._query._uses import RelationUse

__all__ = [
    "EMPTY_CONTEXT",
    "CallSite",
    "ContextFields",
    "ImplicitSubquery",
    "JoinedRelation",
    "OrmContext",
    "Query",
    "Relation",
    "RelationUse",
]


@dataclass(slots=True, eq=False)
class Query:
    """One recorded SQL statement.

    ``params`` is a bounded, JSON-safe copy (``None`` when the driver was
    handed an iterator that ormwatch must not consume). ``start_ms`` is the
    offset from the start of the report. ``error`` names the exception class
    when the statement raised.
    """

    index: int
    sql: str
    params: Any
    alias: str
    vendor: str
    many: bool
    duration_ms: float
    start_ms: float
    fingerprint: str
    call_site: CallSite | None
    stack: tuple[CallSite, ...] = ()
    orm: OrmContext = field(default_factory=lambda: EMPTY_CONTEXT)
    error: str | None = None
    # Finding kinds silenced by ``ormwatch.ignore()`` around this statement.
    ignored: frozenset[str] = frozenset()
    # When parameters were redacted: a process-local hash of the real ones, so
    # duplicates are still told apart. Never exported.
    params_key: int | None = None
    # The view (a class-based view's class, or a function) whose TemplateResponse
    # rendered the templates that ran this statement: where to look for the
    # queryset (ormwatch._fix._view_origin). Never exported.
    view: Any = field(default=None, repr=False)
    # The request segment of a test recording the statement ran in
    # (ormwatch._record._segments): detectors group only within one. Never exported.
    segment: int = 0
    # Writes only (ormwatch._stack._writer), never exported: the library function
    # that wrote the row when the user's line did not call the write itself
    # (``Client.login``, a cascade), and how many sites of ``stack`` after the
    # call site each called the one before directly (no library code between).
    library_write: str | None = None
    direct_callers: int = 0
    # The user's line called a library API of its own (a third-party package:
    # 1; Django's migrations or a management command: 2), which ran this
    # statement: what that API repeats inside is its own doing
    # (ormwatch._stack._callsite.library_api). Never exported.
    library_call: int = 0
    # When it ran, on the clock reads and requests are noted on
    # (ormwatch._query._uses). Never exported.
    tick: int = 0

    @property
    def is_transaction(self) -> bool:
        """Transaction and session bookkeeping, never a finding.

        SAVEPOINT / RELEASE / ROLLBACK TO, BEGIN / COMMIT, and the ``SET ...``
        statements a backend runs when it opens a connection.
        """
        return self.fingerprint.startswith(_TRANSACTION_PREFIXES)

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "sql": self.sql,
            "params": self.params,
            "alias": self.alias,
            "vendor": self.vendor,
            "many": self.many,
            "duration_ms": round(self.duration_ms, 4),
            "start_ms": round(self.start_ms, 4),
            "fingerprint": self.fingerprint,
            "call_site": self.call_site.to_dict() if self.call_site else None,
            "stack": [s.to_dict() for s in self.stack],
            "orm": self.orm.to_dict(),
            "error": self.error,
            "ignored": sorted(self.ignored),
        }


_TRANSACTION_PREFIXES = (
    "savepoint",
    "release savepoint",
    "rollback to savepoint",
    "begin",
    "commit",
    "rollback",
    "start transaction",
    "set ",
)
