"""Bounded, JSON-safe copies of query parameters.

A report may outlive the request and be stored as JSON by the toolbar, so
parameters are copied into plain values, long strings are cut, long lists are
cut, and an iterator handed to ``executemany`` is never consumed (that would
change what the database receives).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

_SCALARS = (bool, int, float, str, type(None))
_FAST = frozenset(_SCALARS)


def copy_params(params: Any, many: bool, max_len: int, max_items: int) -> Any:
    if not many and type(params) in (tuple, list) and len(params) <= max_items:
        # The usual case, a short row of plain values, without a call per value.
        for value in params:
            kind = type(value)
            if kind not in _FAST or (kind is str and len(value) > max_len):
                break
        else:
            return list(params)
    if many:
        if not isinstance(params, (list, tuple)):
            return None
        return [_copy(p, max_len, max_items) for p in params[:max_items]]
    return _copy(params, max_len, max_items)


def _copy(value: Any, max_len: int, max_items: int, depth: int = 0) -> Any:
    if isinstance(value, str):
        return value if len(value) <= max_len else value[:max_len] + "…"
    if isinstance(value, _SCALARS):
        return value
    if isinstance(value, (bytes, bytearray, memoryview)):
        return f"<{len(value)} bytes>"
    if depth > 2:
        return "…"
    if isinstance(value, Mapping):
        items = list(value.items())[:max_items]
        return {str(k): _copy(v, max_len, max_items, depth + 1) for k, v in items}
    if isinstance(value, (list, tuple)):
        copied = [_copy(v, max_len, max_items, depth + 1) for v in value[:max_items]]
        if len(value) > max_items:
            copied.append(f"… {len(value) - max_items} more")
        return copied
    text = str(value)
    return text if len(text) <= max_len else text[:max_len] + "…"
