"""Hostile input: the fingerprinter, the panel's SQL formatting and the parameter
handling never raise, and finish in bounded time.

Hypothesis's deadline is off (the machine is shared); time is checked on
pathological statements with a generous bound instead, and bench/ measures
speed.
"""

from __future__ import annotations

from time import perf_counter
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ormwatch._fingerprint import fingerprint
from ormwatch._record._params import copy_params
from ormwatch.panels._sql import MAX_FORMAT, MAX_FULL, format_sql, highlight, preview
from tests.conftest import redact

SQL_BITS = st.sampled_from(
    [
        "SELECT",
        " * ",
        "FROM",
        ' "t" ',
        " WHERE ",
        " IN (",
        "%s",
        ", ",
        ")",
        "'",
        "''",
        '"',
        "`",
        "--",
        "/*",
        "*/",
        "\\",
        "\x00",
        "김영희",
        " = ANY(",
        " VALUES ",
        "(%s, %s)",
        " LIMIT 5",
        "SAVEPOINT s1",
        "\n",
        "E'",
        "$1",
        ":name",
        "%(x)s",
        "?",
        "0x1F",
        "-1.5e3",
        "password",
    ]
)
SQL = st.one_of(st.text(), st.lists(SQL_BITS, max_size=40).map("".join))
PARAM = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(), st.binary()),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(), children, max_size=5)
    ),
    max_leaves=20,
)


@settings(max_examples=400, deadline=None)
@given(SQL)
def test_fingerprint_never_raises_and_is_stable(sql: str) -> None:
    shape = fingerprint(sql)
    assert isinstance(shape, str)
    assert fingerprint(sql) == shape
    assert shape == shape.strip()


def test_a_huge_in_list_collapses() -> None:
    sql = 'SELECT * FROM "t" WHERE "t"."id" IN (' + ", ".join(["%s"] * 100_000) + ")"
    assert fingerprint(sql) == "select * from t where t.id in (...)"


@settings(max_examples=300, deadline=None)
@given(SQL, st.lists(PARAM, max_size=8), st.booleans())
def test_redact_and_copy_never_raise(sql: str, params: list[Any], many: bool) -> None:
    visible = redact(sql, params, many, ("password", "token"), ("auth_user",))
    copied = copy_params(visible, many, 200, 50)
    assert copied is None or isinstance(copied, (list, str, dict))


@settings(max_examples=100, deadline=None)
@given(st.text(min_size=300))
def test_long_strings_are_cut(text: str) -> None:
    (copied,) = copy_params([text], False, 200, 50)
    assert len(copied) == 201


@settings(max_examples=300, deadline=None)
@given(SQL, st.one_of(st.none(), SQL))
def test_the_panels_sql_formatting_never_raises(sql: str, fragment: str | None) -> None:
    formatted = format_sql(sql)
    assert isinstance(formatted, str)
    # Bounded whatever came in: the cut text plus the note saying what was cut.
    assert len(formatted) <= 2 * MAX_FORMAT + 100
    text, full = preview(sql)
    assert "\n" not in text
    assert full is None or len(full) <= MAX_FULL + 10
    found = highlight(formatted, fragment)
    assert found is None or "".join(found) == formatted


# Each is built at run time; none may take more than SECONDS in either function.
PATHOLOGICAL = {
    "a 100,000-item IN list": 'SELECT * FROM "t" WHERE "t"."id" IN ('
    + ", ".join(["%s"] * 100_000)
    + ")",
    "a million unbalanced quotes": "SELECT '" + "a'" * 500_000,
    "NUL bytes": "SELECT \x00" * 100_000,
    "10,000 nested parentheses": "SELECT " + "(" * 10_000 + "1" + ")" * 10_000,
    "a megabyte of unicode": "SELECT '" + "김영희 " * 250_000 + "'",
    "an unclosed comment": "SELECT 1 /* " + "x" * 1_000_000,
}
# Generous: the machine is shared; an accidentally quadratic path takes minutes.
SECONDS = 5.0


@pytest.mark.parametrize("name", PATHOLOGICAL)
def test_pathological_statements_finish_in_bounded_time(name: str) -> None:
    sql = PATHOLOGICAL[name]
    format_sql.cache_clear()
    for function in (fingerprint, format_sql, preview):
        start = perf_counter()
        function(sql)
        assert perf_counter() - start < SECONDS, (name, function.__name__)
