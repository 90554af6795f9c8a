"""What is decided once per statement text: its fingerprint and what to redact.

The cache belongs to one ``Settings`` object: new settings (redaction words,
``RECORD_PARAMS``) start it afresh, which is how it follows setting changes.
"""

from __future__ import annotations

from ormwatch._conf import Settings
from ormwatch._fingerprint import fingerprint
from ormwatch._record._redact import KEEP, Plan, plan
from ormwatch._textcache import TextCache

_cache: TextCache[str, tuple[str, Plan]] = TextCache()
_owner: list[Settings | None] = [None]


def describe(sql: str, settings: Settings) -> tuple[str, Plan]:
    """The fingerprint of ``sql`` and how to redact its parameters."""
    if settings is not _owner[0]:
        _cache.clear()
        _owner[0] = settings
    found = _cache.get(sql)
    if found is not None:
        return found
    decided = (
        plan(sql, settings.secret_columns, settings.secret_tables)
        if settings.record_params
        else KEEP
    )
    return _cache.put(sql, sql, (fingerprint(sql), decided))
