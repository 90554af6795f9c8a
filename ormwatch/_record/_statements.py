"""What is decided once per statement text: its fingerprint and what to redact.

An application runs few distinct statement texts many times over (an N+1 is
one text with new parameters), so both answers are cached by the text. The
cache belongs to one ``Settings`` object: new settings (redaction words)
start it afresh.
"""

from __future__ import annotations

from ormwatch._conf import Settings
from ormwatch._fingerprint import fingerprint
from ormwatch._record._redact import KEEP, Plan, plan

_CACHE_SIZE = 4096
# Huge statements (long IN lists) rarely repeat verbatim; caching them would pin megabytes.
_CACHE_MAX_LEN = 8192
_cache: dict[str, tuple[str, Plan]] = {}
_owner: list[Settings | None] = [None]


def clear() -> None:
    _cache.clear()
    _owner[0] = None


def describe(sql: str, settings: Settings) -> tuple[str, Plan]:
    """The fingerprint of ``sql`` and how to redact its parameters."""
    if settings is not _owner[0]:
        clear()
        _owner[0] = settings
    found = _cache.get(sql)
    if found is not None:
        return found
    decided = plan(sql, settings.secret_columns, settings.secret_tables)
    found = (fingerprint(sql), decided if settings.record_params else KEEP)
    if len(sql) <= _CACHE_MAX_LEN:
        if len(_cache) >= _CACHE_SIZE:
            # Clearing beats LRU bookkeeping: the hot statements refill it at once.
            _cache.clear()
        _cache[sql] = found
    return found
