"""Fingerprints: statements of the same shape group, different shapes do not.

The string tests pin every rule on hand-written SQL in each vendor's dialect; the database
tests run real ORM calls on whatever backend the settings pick, because what matters is
that Django's own output for "the same query" groups.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import Any

import pytest
from django.db import connection, transaction
from django.db.models import F

from ormwatch._fingerprint import _CACHE_SIZE, _cache, fingerprint
from tests.testapp.models import Blog, Category, Post

SAME_SHAPE = [
    # Literals and placeholders of every style become ?.
    ("SELECT * FROM t WHERE a = %s", "select * from t where a = 'x'"),
    ("SELECT * FROM t WHERE a = %(name)s", "SELECT * FROM t WHERE a = ?"),
    ("SELECT * FROM t WHERE a = :name", "SELECT * FROM t WHERE a = $1"),
    ("SELECT * FROM t WHERE a = 1", "SELECT * FROM t WHERE a = -12.5e-3"),
    ("SELECT * FROM t WHERE a = 0xFF", "SELECT * FROM t WHERE a = .5"),
    ("SELECT * FROM t WHERE a = 'it''s'", "SELECT * FROM t WHERE a = 'x'"),
    ("SELECT * FROM t WHERE a = '김영희'", "SELECT * FROM t WHERE a = 'x'"),
    # Whitespace, case, comments and identifier quoting do not matter.
    ("select  a,b\n\tFROM t", "SELECT a, b FROM t"),
    ("SELECT a /* why */ FROM t -- note\n", "select a from t"),
    ('SELECT "t"."a" FROM "t"', "SELECT `t`.`a` FROM `t`"),
    ('SELECT "t"."a" FROM "t"', "SELECT t.a FROM t"),
    ("SELECT COUNT(*) FROM t WHERE a=1", "SELECT COUNT(*) FROM t WHERE a = 2"),
    # Lists of any length.
    ("SELECT * FROM t WHERE a IN (%s)", "SELECT * FROM t WHERE a IN (%s, %s, %s, %s)"),
    ("SELECT * FROM t WHERE a IN (1,2,3)", "SELECT * FROM t WHERE a IN ('x', -1)"),
    ("SELECT * FROM t WHERE a = ANY(%s)", "SELECT * FROM t WHERE a = any(ARRAY[1, 2, 3])"),
    ("INSERT INTO t (a, b) VALUES (%s, %s)", "INSERT INTO t (a, b) VALUES (1, 'x'), (2, NULL)"),
    # Statement shapes Django emits, per vendor.
    ('SELECT "t"."id" FROM "t" LIMIT 5', 'SELECT "t"."id" FROM "t" LIMIT 10'),
    ("SELECT id FROM t LIMIT 21 OFFSET 5", "SELECT id FROM t LIMIT 1 OFFSET 0"),
    ("SELECT id FROM t FETCH FIRST 5 ROWS ONLY", "SELECT id FROM t FETCH FIRST 9 ROWS ONLY"),
    ('SAVEPOINT "s140_x1"', "SAVEPOINT `s2_x19`"),
]

EXPECTED = [
    # SQLite
    (
        'SELECT "testapp_post"."id", "testapp_post"."title" FROM "testapp_post" '
        'WHERE "testapp_post"."id" IN (%s, %s, %s)',
        "select testapp_post.id, testapp_post.title from testapp_post "
        "where testapp_post.id in (...)",
    ),
    (
        'INSERT INTO "testapp_blog" ("name") VALUES (%s), (%s), (%s) RETURNING "testapp_blog"."id"',
        "insert into testapp_blog (name) values (...) returning testapp_blog.id",
    ),
    # PostgreSQL
    (
        'SELECT "t"."id" FROM "t" WHERE "t"."id" = ANY(%s) AND "t"."x"::text = E\'a\\\'b\'',
        "select t.id from t where t.id = any(...) and t.x::text = ?",
    ),
    (
        "SELECT * FROM t WHERE id = any(array[1, 2, 3]::int[])",
        "select * from t where id = any(...)",
    ),
    (
        'INSERT INTO "b" ("name") SELECT * FROM UNNEST((%s)::varchar(100)[])',
        "insert into b (name) select * from unnest((?)::varchar(?)[])",
    ),
    # MariaDB
    (
        "SELECT `t`.`id` FROM `t` WHERE `t`.`name` = 'it\\'s' AND `t`.`x` = 'C:\\\\'",
        "select t.id from t where t.name = ? and t.x = ?",
    ),
    ("INSERT INTO `t` (`a`) VALUES (%s), (%s)", "insert into t (a) values (...)"),
    # Raw SQL with inlined literals.
    (
        "select * from t where a = 'x' and b = 3 and c = -4.5 and d = 1e10 and e in (1, 'y')",
        "select * from t where a = ? and b = ? and c = ? and d = ? and e in (...)",
    ),
    ("SELECT a - 1, b-1 FROM t WHERE c > -1", "select a - ?, b - ? from t where c > ?"),
    ("SELECT name FROM t WHERE name = '김영희'", "select name from t where name = ?"),
    ("SELECT n'x', x'0f', b'01'", "select ?, ?, ?"),
    (
        "SELECT * FROM t WHERE a = 'it\\'s' AND b = 'say \\'hi\\' now'",
        "select * from t where a = ? and b = ?",
    ),
    # SQLite's lone-backslash strings must not swallow the rest of the statement.
    (
        'SELECT * FROM "t" WHERE "t"."a" LIKE %s ESCAPE \'\\\' AND "t"."b" = %s',
        "select * from t where t.a like ? escape ? and t.b = ?",
    ),
    (
        "SELECT * FROM t WHERE a LIKE '%%' || REPLACE(REPLACE(REPLACE(b, '\\', '\\\\'), "
        "'%%', '\\%%'), '_', '\\_') || '%%' ESCAPE '\\' AND c = 1",
        "select * from t where a like ? || replace(replace(replace(b, ?, ?), ?, ?), ?, ?) || ? "
        "escape ? and c = ?",
    ),
    # Digits inside identifiers stay.
    (
        'SELECT T4."id" FROM "app_model2" T4 WHERE T4.col3 = 7',
        "select t4.id from app_model2 t4 where t4.col3 = ?",
    ),
    # A subquery is kept, its own IN list collapsed.
    (
        "SELECT * FROM t WHERE a IN (SELECT U0.id FROM u U0 WHERE U0.b IN (1, 2)) AND c IN (3)",
        "select * from t where a in (select u0.id from u u0 where u0.b in (...)) and c in (...)",
    ),
    (
        "SELECT * FROM t WHERE a = ANY(SELECT b FROM u WHERE c = 1)",
        "select * from t where a = any(select b from u where c = ?)",
    ),
    ("SELECT * FROM t WHERE a NOT IN (%s, %s)", "select * from t where a not in (...)"),
    ("SELECT * FROM t WHERE a IN(1,2)", "select * from t where a in (...)"),
    # Comments.
    ("/* controller:x */ SELECT 1 -- trailing", "select ?"),
    ("SELECT '--not a comment', '/* nor this */' FROM t", "select ?, ? from t"),
    # Transactions: another module matches on these prefixes.
    ('SAVEPOINT "s140_x1"', "savepoint ?"),
    ("RELEASE SAVEPOINT s1_x2", "release savepoint ?"),
    ("ROLLBACK TO SAVEPOINT `s1_x3`", "rollback to savepoint ?"),
    ("BEGIN", "begin"),
    ("COMMIT", "commit"),
    ("ROLLBACK", "rollback"),
    ("SELECT savepoint, release FROM t", "select savepoint, release from t"),
    # Garbage never raises.
    ("", ""),
    ("   \n", ""),
    ("SELECT 'unterminated", "select ?"),
    ("SELECT 'ends in backslash\\", "select ?"),
    ('SELECT "unterminated', "select unterminated"),
    ("SELECT /* unterminated", "select"),
    ("SELECT\x00 1", "select ?"),
]


@pytest.mark.parametrize(("a", "b"), SAME_SHAPE)
def test_same_shape(a: str, b: str) -> None:
    assert fingerprint(a) == fingerprint(b)


@pytest.mark.parametrize(("sql", "expected"), EXPECTED)
def test_expected(sql: str, expected: str) -> None:
    assert fingerprint(sql) == expected


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("SELECT * FROM t WHERE a = %s", "SELECT * FROM t WHERE b = %s"),
        ("SELECT * FROM t WHERE a = %s", "SELECT * FROM t WHERE a > %s"),
        ("SELECT * FROM t4", "SELECT * FROM t5"),
        ("SELECT * FROM t WHERE a IN (%s)", "SELECT * FROM t WHERE a IN (SELECT b FROM u)"),
    ],
)
def test_different_shape(a: str, b: str) -> None:
    assert fingerprint(a) != fingerprint(b)


@pytest.mark.parametrize(
    "garbage",
    [
        "'",
        '"',
        "`",
        "\\",
        "'\\",
        "E'",
        "$",
        "%(",
        ":",
        "/*",
        "--",
        "\x00\x00",
        "((((",
        "'''",
        "ÿ\ud800",
    ],
)
def test_garbage_never_raises(garbage: str) -> None:
    assert isinstance(fingerprint(garbage), str)
    assert isinstance(fingerprint(f"SELECT {garbage} FROM t WHERE a IN (1, {garbage}"), str)


def test_huge_in_list() -> None:
    values = ", ".join(str(i) for i in range(100_000))
    sql = f'SELECT "t"."id" FROM "t" WHERE "t"."id" IN ({values}) ORDER BY "t"."id"'
    assert fingerprint(sql) == "select t.id from t where t.id in (...) order by t.id"
    placeholders = ", ".join(["%s"] * 100_000)
    assert fingerprint(f"SELECT a FROM t WHERE a IN ({placeholders})") == (
        "select a from t where a in (...)"
    )
    rows = ", ".join(["(%s, 'x', -1)"] * 100_000)
    assert fingerprint(f"INSERT INTO t (a, b, c) VALUES {rows}") == (
        "insert into t (a, b, c) values (...)"
    )


def test_cache_is_bounded() -> None:
    for i in range(_CACHE_SIZE + 10):
        fingerprint(f"SELECT c{i} FROM t")
    assert len(_cache) <= _CACHE_SIZE
    assert fingerprint("SELECT c1 FROM t") == "select c1 from t"


@contextmanager
def captured() -> Iterator[list[str]]:
    """The SQL Django sends to the driver, unmocked."""
    statements: list[str] = []

    def wrapper(
        execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield statements


def run(action: Callable[[], object]) -> list[str]:
    with captured() as statements:
        action()
    return [fingerprint(sql) for sql in statements]


@pytest.fixture
def posts(db: None) -> None:
    blog = Blog.objects.create(name="김영희")
    category = Category.objects.create(name="modi", blog=blog)
    for i in range(3):
        Post.objects.create(title=f"t{i}", writer="w", ip_address="1.2.3.4", category=category)


@pytest.mark.django_db
@pytest.mark.usefixtures("posts")
@pytest.mark.parametrize(
    ("a", "b"),
    [
        pytest.param(
            lambda: list(Post.objects.filter(pk__in=[1, 2])),
            lambda: list(Post.objects.filter(pk__in=[1, 2, 3, 4, 5])),
            id="in-list-length",
        ),
        pytest.param(
            lambda: list(Blog.objects.filter(name="김영희")),
            lambda: list(Blog.objects.filter(name="x")),
            id="korean-value",
        ),
        pytest.param(
            lambda: list(Post.objects.filter(pk=1)),
            lambda: list(Post.objects.filter(pk=2)),
            id="pk",
        ),
        pytest.param(
            lambda: list(Post.objects.all()[:5]),
            lambda: list(Post.objects.all()[:10]),
            id="limit",
        ),
        pytest.param(
            lambda: list(Post.objects.all()[2:5]),
            lambda: list(Post.objects.all()[1:3]),
            id="limit-offset",
        ),
        pytest.param(
            lambda: Blog.objects.bulk_create([Blog(name="a"), Blog(name="b")]),
            lambda: Blog.objects.bulk_create([Blog(name=n) for n in "cde"]),
            id="bulk-create",
        ),
        pytest.param(
            lambda: list(Post.objects.filter(title__icontains="50%_", writer="김영희")),
            lambda: list(Post.objects.filter(title__icontains="x", writer="y")),
            id="icontains",
        ),
        pytest.param(
            lambda: list(Post.objects.filter(title__in=["김영희", "x"]).exclude(pk=-1)),
            lambda: list(Post.objects.filter(title__in=["y"]).exclude(pk=7)),
            id="in-strings-negative",
        ),
        pytest.param(
            lambda: list(Post.objects.filter(category__in=Category.objects.filter(pk__in=[1]))),
            lambda: list(Post.objects.filter(category__in=Category.objects.filter(pk__in=[1, 2]))),
            id="subquery",
        ),
    ],
)
def test_orm_same_shape(a: Callable[[], object], b: Callable[[], object]) -> None:
    first, second = run(a), run(b)
    assert first
    assert first == second


@pytest.mark.django_db
@pytest.mark.usefixtures("posts")
@pytest.mark.parametrize(
    ("a", "b"),
    [
        pytest.param(
            lambda: list(Blog.objects.filter(name="x")),
            lambda: list(Blog.objects.filter(pk=1)),
            id="name-vs-pk",
        ),
        # SQLite puts ESCAPE '\' mid-statement: what follows it must still count.
        pytest.param(
            lambda: list(Post.objects.filter(title__contains="a").filter(writer="b")),
            lambda: list(Post.objects.filter(title__contains="a").filter(ip_address="b")),
            id="after-escape",
        ),
        pytest.param(
            lambda: list(Post.objects.filter(title__contains=F("writer")).filter(writer="b")),
            lambda: list(Post.objects.filter(title__contains=F("writer")).filter(ip_address="b")),
            id="after-replace-escape",
        ),
        pytest.param(
            lambda: list(Post.objects.filter(category__in=Category.objects.filter(name="x"))),
            lambda: list(Post.objects.filter(category__in=Category.objects.filter(pk=1))),
            id="inside-subquery",
        ),
    ],
)
def test_orm_different_shape(a: Callable[[], object], b: Callable[[], object]) -> None:
    assert run(a) != run(b)


@pytest.mark.django_db
def test_orm_savepoints() -> None:
    def nested() -> None:
        with transaction.atomic(), transaction.atomic():
            Blog.objects.create(name="x")

    def rolled_back() -> None:
        with transaction.atomic(), suppress(RuntimeError), transaction.atomic():
            Blog.objects.create(name="y")
            raise RuntimeError

    first, second = run(nested), run(nested)
    assert first == second
    assert "savepoint ?" in first
    assert "release savepoint ?" in first
    assert "rollback to savepoint ?" in run(rolled_back)
