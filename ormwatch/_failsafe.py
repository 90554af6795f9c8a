"""Fail-open: an error inside ormwatch is logged once and swallowed.

ormwatch runs inside every query of the user's application; a bug here must
never become the user's exception. Each distinct place that fails is logged
once per process (with its traceback) so that a broken detector does not
flood the log on every request.
"""

from __future__ import annotations

import logging
import threading

logger = logging.getLogger("ormwatch")

_reported: set[str] = set()
_lock = threading.Lock()


def swallow(where: str, exc: BaseException) -> None:
    """Log ``exc`` raised at ``where`` the first time that place fails."""
    key = f"{where}:{type(exc).__name__}"
    with _lock:
        if key in _reported:
            return
        _reported.add(key)
    logger.error(
        "ormwatch internal error in %s (further errors here are not logged)",
        where,
        exc_info=(type(exc), exc, exc.__traceback__),
        extra={"ormwatch_internal": where},
    )


def forget() -> None:
    """Let every place log again (tests use this)."""
    with _lock:
        _reported.clear()
