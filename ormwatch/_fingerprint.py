"""Reduce a SQL statement to its shape, so that statements differing only in values group.

Detectors count "the same query" (N+1 loops, duplicates) by fingerprint, and it is computed
for every recorded statement, so it must be cheap and must never raise on whatever a driver
or a raw cursor hands us. sqlparse is far too slow for this: one compiled regex scans the
text once, swallowing whole IN lists and bulk VALUES as single tokens, and two small regexes
then tidy ANY(...) arrays and savepoint names. All of it is linear in the length of the text.
"""

from __future__ import annotations

import re

from ormwatch import _textcache
from ormwatch._textcache import TextCache

__all__ = ["fingerprint"]

# The closing quote may be missing: an unterminated string runs to the end of the text.
# Backslash escapes are MySQL's (and PostgreSQL E'' strings'), but SQLite and PostgreSQL emit
# ESCAPE '\' and REPLACE(x, '\', '\\') with a lone backslash: read as MySQL, that quote would
# swallow the rest of the statement, so '\' before a delimiter is a whole string.
# \\(?:.|\Z) rather than \\.? keeps every string parse unique, so no backtracking blow-up.
_STRING = r"[enbx]?(?:'\\'(?=[\s,);|]|\Z)|'(?:[^'\\]|''|\\(?:.|\Z))*(?:'|\Z))"
_PARAM = r"%s|%\(\w+\)s|\?|:[^\W\d]\w*|\$\d+"
_NUMBER = r"0x[0-9a-f]+|(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?"
_VALUE = rf"(?:{_STRING}|{_PARAM}|-?(?:{_NUMBER}))"
_ROW = rf"\(\s*(?:{_VALUE}|null|default)(?:\s*,\s*(?:{_VALUE}|null|default))*\s*\)"
_TOKEN = re.compile(
    rf"""
    (?P<space>[\s\x00]+|--[^\n]*|/\*.*?(?:\*/|\Z))
    # Whole IN lists and bulk VALUES in one match: a 100,000-element list is one token.
  | (?P<in_list>in\s*\(\s*{_VALUE}(?:\s*,\s*{_VALUE})*\s*\))
  | (?P<values>values\s*{_ROW}(?:\s*,\s*{_ROW})*)
  | (?P<string>{_STRING})
  | (?P<quoted>"(?:[^"]|"")*(?:"|\Z)|`(?:[^`]|``)*(?:`|\Z))
  | (?P<value>{_PARAM}|{_NUMBER})
    # Starting with a letter, so digits inside identifiers (t4, app_model2) stay.
  | (?P<word>[^\W\d]\w*)
  | (?P<op>::|<>|!=|<=|>=|\|\||.)
    """,
    re.VERBOSE | re.DOTALL,
)
_COLLAPSED = {"in_list": "in (...)", "values": "values (...)"}
# A subquery keeps its shape: only parenthesis-free contents (?, array[?, ?], ?::int[]) go.
_ANY = re.compile(r"\bany ?\((?!select\b)[^()]*\)")
# Anchored: "release" or "savepoint" may be column names elsewhere in a statement.
_SAVEPOINT = re.compile(r"^(savepoint|release|rollback(?: work)? to)(?: savepoint)? [^ ;]+")
_SAVEPOINT_FORMS = {"savepoint": "savepoint ?", "release": "release savepoint ?"}

_NO_SPACE_BEFORE = frozenset({",", ")", "[", "]", ".", "::"})
_NO_SPACE_AFTER = frozenset({"(", "[", ".", "::"})
# After these a minus is a sign, not a subtraction: "x = -1" and "x = 1" are the same shape.
_SIGN_CONTEXT = frozenset(
    {"(", "[", ",", "=", "<", ">", "<>", "!=", "<=", ">=", "+", "-", "*", "/", "select",
     "where", "and", "or", "not", "when", "then", "else", "limit", "offset", "by", "in",
     "like", "between", "values", "set", "having", "on", "is", "return", "case"}
)  # fmt: skip

_CACHE_SIZE = _textcache.SIZE
_cache: TextCache[str, str] = TextCache()


def fingerprint(sql: str) -> str:
    """Return the lowercase, single-spaced shape of ``sql`` with every value replaced by ``?``.

    ``IN`` lists, ``= ANY(...)`` arrays and multi-row ``VALUES`` collapse to ``(...)`` so that
    their length does not matter; savepoint names become ``?``. Never raises.
    """
    cached = _cache.get(sql)
    if cached is not None:
        return cached
    return _cache.put(sql, sql, _fingerprint(sql))


def _fingerprint(sql: str) -> str:
    pieces: list[str] = []
    prev = ""  # last token emitted ("?" for any value)
    before_prev = ""
    prev_is_name = False
    spaced = False
    for match in _TOKEN.finditer(sql.lower()):
        kind = match.lastgroup or "op"
        token = match.group()
        if kind == "space":
            spaced = True
            continue
        is_name = kind in ("word", "quoted")
        if kind == "quoted":
            quote = token[0]
            token = token[1:-1] if len(token) > 1 and token[-1] == quote else token[1:]
            token = token.replace(quote * 2, quote) or quote * 2
        elif kind in _COLLAPSED:
            token = _COLLAPSED[kind]
        elif kind in ("string", "value"):
            token = "?"
            if prev == "-" and (before_prev in _SIGN_CONTEXT or not before_prev):
                pieces.pop()
                prev = before_prev
        if not pieces or token in _NO_SPACE_BEFORE or prev in _NO_SPACE_AFTER:
            sep = ""
        elif token == "(" and prev_is_name and not spaced:
            sep = ""  # a function call, count(*), keeps its parenthesis attached
        else:
            sep = " "
        pieces.append(sep + token)
        before_prev, prev, prev_is_name, spaced = prev, token, is_name, False
    text = _ANY.sub("any(...)", "".join(pieces))
    # A quoted identifier may hold spaces at its edges ('" ' unterminated).
    return _SAVEPOINT.sub(_savepoint, text).strip()


def _savepoint(match: re.Match[str]) -> str:
    return _SAVEPOINT_FORMS.get(match.group(1), "rollback to savepoint ?")
