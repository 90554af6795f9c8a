"""Find the part of a statement's SQL a finding is about, so the panel can mark it.

Django quotes identifiers with ``"`` (SQLite, PostgreSQL) or backticks
(MySQL, MariaDB) and leaves aliases (``T4``, ``U0``) bare; string literals
(``ESCAPE '\\'``) are skipped when matching parentheses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_JOIN = re.compile(
    r"\b(?:INNER|LEFT OUTER|RIGHT OUTER|FULL OUTER|CROSS)? ?JOIN "
    r"(?P<table>[`\"]?[\w.]+[`\"]?)(?: (?P<alias>[`\"]?\w+[`\"]?))? ON \(",
)
_SUBQUERY = re.compile(r"\(\s*SELECT\b", re.IGNORECASE)
_FROM = re.compile(r"\bFROM (?P<table>[`\"]?[\w.]+[`\"]?)", re.IGNORECASE)
_IN_BEFORE = re.compile(r"((?:[`\"]?\w+[`\"]?\.)?[`\"]?\w+[`\"]?\)?) (?:NOT )?IN $", re.IGNORECASE)


@dataclass(frozen=True)
class Clause:
    start: int
    end: int
    table: str
    alias: str


def close(sql: str, start: int) -> int:
    """The index just past the parenthesis matching the one at ``start``."""
    depth = 0
    quote = ""
    for index in range(start, len(sql)):
        char = sql[index]
        if quote:
            if char == quote:
                quote = ""
        elif char == "'":
            quote = char
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return index + 1
    return len(sql)


def _bare(name: str) -> str:
    return name.strip('`"')


def join_clauses(sql: str) -> list[Clause]:
    found = []
    for match in _JOIN.finditer(sql):
        table = _bare(match.group("table"))
        alias = _bare(match.group("alias") or "") or table
        found.append(Clause(match.start(), close(sql, match.end() - 1), table, alias))
    return found


def join_fragment(sql: str, aliases: tuple[str, ...] | list[str]) -> str | None:
    """The JOIN clauses that add ``aliases``, from the first to the last (contiguous)."""
    wanted = set(aliases)
    hits = [c for c in join_clauses(sql) if c.alias in wanted]
    if not hits:
        return None
    return sql[min(c.start for c in hits) : max(c.end for c in hits)]


def subquery_fragment(sql: str, table: str, kind: str, nth: int = 0) -> str | None:
    """The ``nth`` subquery selecting from ``table``, with what makes it one.

    ``in_queryset``: ``"t"."col" IN (SELECT ...)``; ``exclude``:
    ``NOT (EXISTS(SELECT ...))``.
    """
    seen = 0
    for match in _SUBQUERY.finditer(sql):
        start = match.start()
        end = close(sql, start)
        inner = _FROM.search(sql, match.end(), end)
        if inner is None or _bare(inner.group("table")) != table:
            continue
        if seen < nth:
            seen += 1
            continue
        return _widen(sql, start, end, kind)
    return None


def _widen(sql: str, start: int, end: int, kind: str) -> str:
    before = sql[:start]
    if kind == "in_queryset":
        column = _IN_BEFORE.search(before)
        return sql[column.start() if column else start : end]
    if before.rstrip().upper().endswith("EXISTS"):
        start = before.rstrip().upper().rindex("EXISTS")
        head = sql[:start].rstrip()
        if head.upper().endswith("NOT (") or head.upper().endswith("NOT("):
            opening = head.rindex("(")
            return sql[head.upper().rindex("NOT", 0, opening + 1) : close(sql, opening)]
        if head.upper().endswith("NOT"):
            return sql[head.upper().rindex("NOT") : end]
    return sql[start:end]
