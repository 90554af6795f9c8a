"""The execute wrapper installed on every database connection.

One module-level function is added to ``connection.execute_wrappers`` of each
connection, via ``connection_created`` for connections opened later and
directly for the ones this thread already has. It is stateless: outside a
``watch()`` block it costs one ``ContextVar.get()`` and calls straight
through. Cursors created before recording began are covered too, because
Django reads ``execute_wrappers`` at execute time, not at cursor creation.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from time import perf_counter
from typing import Any

from ormwatch import _failsafe
from ormwatch._record import _segments
from ormwatch._record._active import active
from ormwatch._record._recording import record


def execute_wrapper(
    execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]
) -> Any:
    recordings = active.get()
    if not recordings:
        return execute(sql, params, many, context)
    error: BaseException | None = None
    start = perf_counter()
    try:
        return execute(sql, params, many, context)
    except BaseException as exc:
        error = exc
        raise
    finally:
        end = perf_counter()
        try:
            record(recordings, sql, params, many, context, start, end, error, sys._getframe(1))
        except Exception as exc:  # fail-open: the query's outcome is the user's
            _failsafe.swallow("recording a query", exc)


def install_on(connection: Any) -> None:
    """Add the wrapper to one connection; doing it twice is harmless."""
    wrappers = connection.execute_wrappers
    if execute_wrapper not in wrappers:
        # First, not last: Django's own ``connection.execute_wrapper()`` context
        # manager leaves with ``pop()``, which must remove its wrapper, not ours.
        wrappers.insert(0, execute_wrapper)


def _on_connection_created(sender: Any, connection: Any, **kwargs: Any) -> None:
    install_on(connection)


_connected = False


def install() -> None:
    """Cover every alias: connections opened from now on and this thread's open ones."""
    global _connected
    from django.db import connections
    from django.db.backends.signals import connection_created

    if not _connected:
        # Once per process: every watch() block calls install(), and Django's
        # Signal.connect() adds a weakref.finalize per call even when the
        # dispatch_uid is already connected, which grew by one per request.
        connection_created.connect(_on_connection_created, dispatch_uid="ormwatch.recorder")
        _segments.connect()
        _connected = True
    for connection in connections.all(initialized_only=True):
        install_on(connection)
