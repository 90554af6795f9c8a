"""Hostile input: the fingerprinter and the parameter handling never raise.

No timing here (the machine is shared); bench/ measures speed. Hypothesis's
deadline is off for the same reason.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from ormwatch._fingerprint import fingerprint
from ormwatch._record._params import copy_params
from ormwatch._record._redact import redact

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
