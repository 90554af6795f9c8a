"""SQL for display: bounded formatting with sqlparse, and the fragment a finding points at.

sqlparse's cost grows with the statement, and an ORM statement can carry an
``IN`` list of thousands of placeholders. So long flat ``IN`` lists are
collapsed to their first items and the text is cut before sqlparse sees it:
one finding's SQL can never stall the panel.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

import sqlparse

__all__ = ["Highlight", "collapse_in_lists", "format_sql", "highlight", "preview"]

# Characters handed to sqlparse; the rest is cut with a note.
MAX_FORMAT = 5_000
# Items of an IN list shown before the rest are counted.
IN_LIST_ITEMS = 3
# Characters of the one-line preview in the query list, and of the full text
# shown under it when the preview is cut.
PREVIEW = 400
MAX_FULL = 2_000

# A flat list, closed, or running to the end of a statement cut short.
_IN_LIST = re.compile(r"\bIN\s*\(([^()]*)(?:\)|$)", re.IGNORECASE)
_SPACE = re.compile(r"\s+")
_TOKENS = re.compile(r"\w+|[^\w\s]")


def _collapse(match: re.Match[str]) -> str:
    items = match.group(1).split(",")
    if len(items) <= IN_LIST_ITEMS * 2:
        return match.group(0)
    shown = ", ".join(item.strip() for item in items[:IN_LIST_ITEMS])
    return f"IN ({shown}, /* … {len(items) - IN_LIST_ITEMS:,} more */)"


def collapse_in_lists(sql: str) -> str:
    """``IN (%s, %s, … 9,997 more)``: long flat lists keep their first items."""
    return _IN_LIST.sub(_collapse, sql)


def _bounded(sql: str) -> str:
    sql = collapse_in_lists(sql)
    if len(sql) > MAX_FORMAT:
        sql = f"{sql[:MAX_FORMAT]}\n/* … {len(sql) - MAX_FORMAT:,} more characters */"
    return sql


@lru_cache(maxsize=1024)
def format_sql(sql: str) -> str:
    """The statement indented for reading, bounded in size and time."""
    bounded = _bounded(sql)
    try:
        return str(sqlparse.format(bounded, reindent=True, indent_width=2)).strip()
    except Exception:  # sqlparse refuses very deep or long input: show it as it came
        return bounded


def preview(sql: str) -> tuple[str, str | None]:
    """One line of the statement for the query list, and the whole (bounded) if it was cut."""
    text = _SPACE.sub(" ", collapse_in_lists(sql[: MAX_FULL * 4])).strip()
    if len(text) <= PREVIEW:
        return text, None
    full = text if len(text) <= MAX_FULL else f"{text[:MAX_FULL]} /* … */"
    return f"{text[:PREVIEW]}…", full


class Highlight(NamedTuple):
    """A formatted statement split around the fragment a finding is about."""

    before: str
    fragment: str
    after: str


def highlight(formatted: str, fragment: str | None) -> Highlight | None:
    """Find ``fragment`` in ``formatted`` SQL, whatever whitespace formatting added."""
    if not fragment:
        return None
    tokens = _TOKENS.findall(fragment[:MAX_FORMAT])
    if not tokens:
        return None
    pattern = re.compile(r"\s*".join(re.escape(t) for t in tokens), re.IGNORECASE)
    match = pattern.search(formatted)
    if match is None:
        return None
    start, end = match.span()
    return Highlight(formatted[:start], formatted[start:end], formatted[end:])
