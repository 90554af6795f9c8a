"""Hide secret parameters before they are stored anywhere.

Redaction happens at record time, so a password never reaches a report, the
panel's store, a log line or a test report. A statement on a secret table
has every parameter hidden; otherwise each ``%s`` is matched to the column
it belongs to (the INSERT column list, or the identifier before the
comparison) and hidden when that column looks secret. When the mapping is
uncertain for a statement that mentions a secret column, everything is
hidden: too much is safe, too little is not.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

HIDDEN = "***"

_INSERT = re.compile(
    r"^\s*insert\s+(?:ignore\s+)?into\s+[\w`\".]+\s*\(([^)]*)\)\s*values\s*(.*)$", re.I | re.S
)
_BEFORE = re.compile(
    r"([\w`\"]+)[`\"]?\s*(?:=|<>|!=|<=|>=|<|>|\blike\b|\bilike\b|\bin\s*\([^)]*)\s*(?:binary\s*)?$",
    re.I,
)


@lru_cache(maxsize=64)
def _pattern(words: tuple[str, ...]) -> re.Pattern[str] | None:
    if not words:
        return None
    return re.compile("|".join(re.escape(w) for w in words), re.I)


# What to hide for one statement, decided from its text alone: KEEP
# everything, hide ALL, or a column pattern and a per-placeholder mask (None
# when the placeholders cannot be matched to columns, which hides all).
Plan = tuple[str, "re.Pattern[str] | None", "list[bool] | None"]
KEEP: Plan = ("keep", None, None)
ALL: Plan = ("all", None, None)


def plan(sql: str, columns: tuple[str, ...], tables: tuple[str, ...]) -> Plan:
    """Decide once per statement text; ``ormwatch._record._statements`` caches it."""
    secret_table = _pattern(tables)
    if secret_table is not None and secret_table.search(sql):
        return ALL
    secret_column = _pattern(columns)
    if secret_column is None or not secret_column.search(sql):
        return KEEP  # the common case: nothing secret is named
    return ("columns", secret_column, _mask(sql, secret_column))


def apply(decided: Plan, params: Any, many: bool) -> Any:
    """``params`` as ``decided`` shows them; the originals are never changed."""
    how, secret_column, mask = decided
    if params is None or how == "keep":
        return params
    if how == "all" or secret_column is None:
        return _hide_all(params, many)
    if isinstance(params, dict):
        return {k: HIDDEN if secret_column.search(str(k)) else v for k, v in params.items()}
    if mask is None:
        return _hide_all(params, many)
    if many:
        if not isinstance(params, (list, tuple)):
            return params  # an iterator is never copied anyway
        return [_apply(row, mask) for row in params]
    return _apply(params, mask)


def _mask(sql: str, secret: re.Pattern[str]) -> list[bool] | None:
    """Which placeholders are secret, or None when that cannot be told."""
    insert = _INSERT.match(sql)
    if insert:
        names = [c.strip().strip('`"') for c in insert.group(1).split(",")]
        per_column = [bool(secret.search(n)) for n in names]
        count = insert.group(2).count("%s")
        if not names or count % len(names):
            return None
        return per_column * (count // len(names))
    mask = []
    for match in re.finditer(r"%s", sql):
        before = _BEFORE.search(sql[max(0, match.start() - 200) : match.start()])
        if before is None:
            mask.append(bool(secret.search(sql[max(0, match.start() - 40) : match.start()])))
        else:
            mask.append(bool(secret.search(before.group(1))))
    return mask


def _apply(params: Any, mask: list[bool]) -> Any:
    if not isinstance(params, (list, tuple)) or len(params) != len(mask):
        return [HIDDEN] * len(params) if isinstance(params, (list, tuple)) else HIDDEN
    return [HIDDEN if hidden else value for value, hidden in zip(params, mask, strict=True)]


def _hide_all(params: Any, many: bool) -> Any:
    if isinstance(params, dict):
        return dict.fromkeys(params, HIDDEN)
    if many and isinstance(params, (list, tuple)):
        return [_hide_all(row, False) for row in params]
    if isinstance(params, Sequence) and not isinstance(params, (str, bytes)):
        return [HIDDEN] * len(params)
    return HIDDEN
