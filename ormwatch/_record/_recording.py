"""One watch() block's recording, and how one statement is added to it."""

from __future__ import annotations

from collections.abc import Sequence
from time import perf_counter
from types import FrameType
from typing import Any

from ormwatch import _conf, _failsafe, _stack
from ormwatch._ignore import ignored_kinds
from ormwatch._query import EMPTY_CONTEXT, OrmContext, Query, RelationUse
from ormwatch._query._uses import tick
from ormwatch._record import _statements
from ormwatch._record._params import copy_params
from ormwatch._record._redact import apply
from ormwatch._stack import _writer


class Recording:
    """The queries of one scope. Bounded: past ``MAX_QUERIES`` they are only counted."""

    __slots__ = (
        "contexts",
        "count",
        "ended",
        "max_queries",
        "overflow",
        "queries",
        "relation_use",
        "segment",
        "settings",
        "started",
        "total_ms",
    )

    def __init__(self) -> None:
        self.settings = _conf.get()
        self.max_queries = self.settings.max_queries
        self.queries: list[Query] = []
        self.count = 0
        self.total_ms = 0.0
        self.overflow = 0
        self.started = perf_counter()
        self.ended: float | None = None
        # "app.Model.relation" -> flags (select_related filled it, user code
        # read it), and when, kept by ormwatch._reads for unused_eager_load.
        # Bounded: one key per relation, at most _reads.MAX_KEYS, and the
        # limits of ormwatch._query._uses.
        self.relation_use = RelationUse()
        # Shareable ORM contexts of this recording's statements (_stack._reuse).
        self.contexts: dict[tuple[Any, ...], OrmContext] = {}
        # Bumped when a request starts or finishes inside this recording (_segments).
        self.segment = 0

    @property
    def full(self) -> bool:
        return len(self.queries) >= self.max_queries


def record(
    recordings: Sequence[Recording],
    sql: Any,
    params: Any,
    many: bool,
    context: dict[str, Any],
    start: float,
    end: float,
    error: BaseException | None,
    frame: FrameType,
) -> None:
    """Add one executed statement to every active recording."""
    duration_ms = (end - start) * 1000.0
    keep = []
    for recording in recordings:
        recording.count += 1
        recording.total_ms += duration_ms
        if recording.full:
            recording.overflow += 1
        else:
            keep.append(recording)
    if not keep:
        return
    settings = keep[0].settings
    at = tick()
    for recording in recordings:  # reads and loads from now on belong to this statement
        recording.relation_use.clock = at
    text = sql if isinstance(sql, str) else str(sql)
    shape, decided = _statements.describe(text, settings)
    try:
        call_site, stack, orm, view, library_call = _stack.read(
            frame, shape, settings.stack_depth, text, recordings[0].contexts
        )
    except Exception as exc:  # keep the statement, without its context
        _failsafe.swallow("reading the stack", exc)
        call_site, stack, orm, view, library_call = None, (), EMPTY_CONTEXT, None, 0
    library_write, direct_callers = None, 0
    if orm.kind == "write" and call_site is not None:
        try:
            library_write, direct_callers = _writer.written_by(frame, settings.stack_depth)
        except Exception as exc:  # keep the statement; the write counts as the user's
            _failsafe.swallow("reading who wrote a row", exc)
    connection = context.get("connection")
    params_key = None
    if settings.record_params:
        visible = apply(decided, params, many)
        copied = copy_params(visible, many, settings.max_param_length, settings.max_params)
        if visible is not params and isinstance(params, (list, tuple, dict)):
            params_key = hash(repr(params))
    else:
        copied = None
        if isinstance(params, (list, tuple, dict)):
            params_key = hash(repr(params))  # duplicates are still found without params
    ignored = ignored_kinds.get()
    alias = str(getattr(connection, "alias", "?"))
    vendor = str(getattr(connection, "vendor", "?"))
    failed = f"{type(error).__module__}.{type(error).__qualname__}" if error else None
    for recording in keep:
        recording.queries.append(
            Query(
                index=len(recording.queries),
                sql=text,
                params=copied,
                alias=alias,
                vendor=vendor,
                many=many,
                duration_ms=duration_ms,
                start_ms=(start - recording.started) * 1000.0,
                fingerprint=shape,
                call_site=call_site,
                stack=stack,
                orm=orm,
                error=failed,
                ignored=ignored,
                params_key=params_key,
                view=view,
                segment=recording.segment,
                library_write=library_write,
                direct_callers=direct_callers,
                library_call=library_call,
                tick=at,
            )
        )
