"""What ormwatch records about one SQL statement: plain, immutable-ish data.

Detectors and outputs read only these objects, never frames, so everything the
ORM was doing when the statement ran is captured here as structured data.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

__all__ = ["CallSite", "Join", "OrmContext", "Query", "Relation"]


@dataclass(frozen=True, slots=True)
class CallSite:
    """A line of user code, or of a template, that ran queries.

    ``kind`` is ``"python"``, ``"template"`` (Django templates) or ``"jinja2"``.
    ``code`` is the source line, read once per distinct site.
    """

    path: str
    line: int
    function: str
    code: str
    kind: str = "python"

    @property
    def short_path(self) -> str:
        """The path relative to the working directory when it lies below it."""
        try:
            rel = os.path.relpath(self.path)
        except ValueError:  # another drive on Windows
            return self.path
        return self.path if rel.startswith("..") else rel

    def __str__(self) -> str:
        return f"{self.short_path}:{self.line} {self.function}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "line": self.line,
            "function": self.function,
            "code": self.code,
            "kind": self.kind,
        }


@dataclass(frozen=True, slots=True)
class Relation:
    """A model relation as the user's code names it: ``blog.Post.category``.

    ``kind`` is one of ``forward_fk``, ``forward_o2o``, ``reverse_o2o``,
    ``reverse_fk``, ``m2m``, ``reverse_m2m``, ``generic_fk``,
    ``generic_relation`` or ``deferred`` (a deferred concrete field).
    """

    model: str
    field: str
    kind: str
    related_model: str | None = None

    @property
    def multi_valued(self) -> bool:
        return self.kind in {"reverse_fk", "m2m", "reverse_m2m", "generic_relation"}

    def __str__(self) -> str:
        return f"{self.model}.{self.field}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "field": self.field,
            "kind": self.kind,
            "related_model": self.related_model,
        }


@dataclass(frozen=True, slots=True)
class Join:
    """One join of a statement's main query, with the reason it exists."""

    path: str
    table: str
    alias: str
    join_type: str
    multi_valued: bool
    select_related: bool
    filtered: bool
    filtered_relation: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "table": self.table,
            "alias": self.alias,
            "join_type": self.join_type,
            "multi_valued": self.multi_valued,
            "select_related": self.select_related,
            "filtered": self.filtered,
            "filtered_relation": self.filtered_relation,
        }


@dataclass(frozen=True, slots=True)
class OrmContext:
    """What the ORM was doing when a statement ran, read from the frames.

    ``kind``: ``query`` (a QuerySet evaluated by user code), ``lazy_load`` (a
    relation descriptor fetching one related object), ``deferred_load``,
    ``prefetch``, ``related_manager`` (a query through ``obj.rel.<method>``),
    ``write``, ``raw`` or ``other`` (SQL run through a cursor, or by Django
    itself with no ORM call around it).

    ``method`` is the outermost ORM call the user made (``iterate``, ``len``,
    ``bool``, ``get``, ``first``, ``count``, ``exists``, ``save``, ...);
    ``chain`` lists every ORM call found on the stack, outermost first.
    """

    kind: str = "other"
    method: str | None = None
    chain: tuple[str, ...] = ()
    model: str | None = None
    relation: Relation | None = None
    instance_pk: Any = None
    prefetch_lookup: str | None = None
    prefetched: bool = False
    batched: bool = False
    write: str | None = None
    values: bool = False
    select_related: tuple[str, ...] = ()
    prefetch_related: tuple[str, ...] = ()
    only: tuple[str, ...] = ()
    defer: tuple[str, ...] = ()
    joins: tuple[Join, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "method": self.method,
            "chain": list(self.chain),
            "model": self.model,
            "relation": self.relation.to_dict() if self.relation else None,
            "instance_pk": _plain(self.instance_pk),
            "prefetch_lookup": self.prefetch_lookup,
            "prefetched": self.prefetched,
            "batched": self.batched,
            "write": self.write,
            "values": self.values,
            "select_related": list(self.select_related),
            "prefetch_related": list(self.prefetch_related),
            "only": list(self.only),
            "defer": list(self.defer),
            "joins": [j.to_dict() for j in self.joins],
        }


EMPTY_CONTEXT = OrmContext()


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
    orm: OrmContext = field(default=EMPTY_CONTEXT)
    error: str | None = None
    # Finding kinds silenced by ``ormwatch.ignore()`` around this statement.
    ignored: frozenset[str] = frozenset()

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


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)
