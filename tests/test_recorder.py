"""The recorder: every alias, every statement form, results and errors untouched."""

from __future__ import annotations

import gc
import json
import logging
import weakref

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.db import DatabaseError, IntegrityError, connection, transaction

import ormwatch
from ormwatch import _failsafe, _stack
from ormwatch._record import _wrapper
from tests.conftest import close_thread_connections, lineno
from tests.testapp.models import Blog, Post


@pytest.mark.django_db
def test_query_fields(blog_data: list[Post]) -> None:
    with ormwatch.watch() as report:
        list(Blog.objects.filter(name="김영희"))
    (query,) = report.queries
    assert query.index == 0
    assert query.alias == "default"
    assert query.vendor == connection.vendor
    assert query.many is False
    assert query.params in (["김영희"], ("김영희",))
    assert query.duration_ms >= 0
    assert 0 <= query.start_ms <= report.duration_ms
    assert query.error is None
    assert "blog" in query.sql.lower()
    assert query.fingerprint
    json.dumps(report.to_dict())  # plain data all the way down


@pytest.mark.django_db(databases="__all__")
def test_every_alias_is_recorded() -> None:
    with ormwatch.watch() as report:
        Blog.objects.using("default").count()
        Blog.objects.using("other").count()
    assert [q.alias for q in report.queries] == ["default", "other"]


@pytest.mark.django_db(transaction=True)
def test_connections_opened_after_recording_began_are_covered() -> None:
    connection.close()
    with ormwatch.watch() as report:
        Blog.objects.count()
    # MariaDB sets the isolation level on connect: recorded, marked as bookkeeping.
    (query,) = [q for q in report.queries if not q.is_transaction]
    assert query.orm.method == "count"


@pytest.mark.django_db
def test_cursors_created_before_recording_are_covered() -> None:
    with connection.cursor() as cursor, ormwatch.watch() as report:
        cursor.execute("SELECT 1")
        assert cursor.fetchone()[0] == 1
    (query,) = report.queries
    assert query.sql == "SELECT 1"
    assert query.orm.kind == "other"


@pytest.mark.django_db
def test_executemany_is_recorded_without_consuming_an_iterator() -> None:
    table = Blog._meta.db_table
    sql = f"INSERT INTO {connection.ops.quote_name(table)} (name) VALUES (%s)"
    with ormwatch.watch() as report, connection.cursor() as cursor:
        cursor.executemany(sql, [("a",), ("b",)])
        cursor.executemany(sql, iter([("c",), ("d",)]))
    assert Blog.objects.filter(name__in="abcd").count() == 4
    listed, iterated = report.queries
    assert listed.many is True
    assert listed.params == [["a"], ["b"]]
    assert iterated.many is True
    assert iterated.params is None


@pytest.mark.django_db
def test_long_params_are_bounded() -> None:
    with ormwatch.watch() as report:
        list(Blog.objects.filter(name="x" * 5000))
        list(Blog.objects.filter(pk__in=range(1000)))
    long_string, long_list = report.queries
    assert len(long_string.params[0]) <= 201
    assert len(long_list.params) <= 51


@pytest.mark.django_db
def test_a_failing_query_is_recorded_and_the_error_reaches_the_caller_unchanged() -> None:
    with (
        ormwatch.watch() as report,
        pytest.raises(DatabaseError) as raised,
        connection.cursor() as cursor,
    ):
        cursor.execute("SELECT no_such_column FROM no_such_table")
    (query,) = report.queries
    assert query.error is not None
    assert query.error.endswith(type(raised.value).__qualname__)


@pytest.mark.django_db
def test_an_integrity_error_keeps_its_class_and_the_transaction_behaves() -> None:
    blog = Blog.objects.create(name="a")
    with ormwatch.watch() as report:
        # MariaDB raises on the INSERT, SQLite and PostgreSQL on the deferred check.
        with pytest.raises(IntegrityError), transaction.atomic():  # noqa: PT012
            Post.objects.create(title="t", writer="w", ip_address="::1", category_id=10**9)
            connection.check_constraints()
        assert Blog.objects.filter(pk=blog.pk).exists()
    assert not Post.objects.filter(category_id=10**9).exists()  # rolled back as usual
    assert any(q.orm.method == "create" for q in report.queries)


@pytest.mark.django_db
def test_results_are_unchanged(blog_data: list[Post]) -> None:
    expected = list(Post.objects.values_list("title", flat=True).order_by("pk"))
    with ormwatch.watch():
        watched = list(Post.objects.values_list("title", flat=True).order_by("pk"))
    assert watched == expected


@pytest.mark.django_db
def test_nested_blocks_each_get_their_own_report() -> None:
    with ormwatch.watch() as outer:
        Blog.objects.count()
        with ormwatch.watch() as inner:
            Blog.objects.exists()
        Blog.objects.count()
    assert [q.orm.method for q in outer.queries] == ["count", "exists", "count"]
    assert [q.orm.method for q in inner.queries] == ["exists"]
    assert inner.queries[0].index == 0
    assert outer.queries[1].index == 1


@pytest.mark.django_db
def test_installing_twice_is_harmless() -> None:
    _wrapper.install()
    _wrapper.install()
    Blog.objects.count()
    assert connection.execute_wrappers.count(_wrapper.execute_wrapper) == 1
    with ormwatch.watch() as report:
        Blog.objects.count()
    assert len(report.queries) == 1


@pytest.mark.django_db
def test_djangos_own_execute_wrapper_context_still_pops_its_wrapper() -> None:
    seen: list[str] = []

    def spy(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(spy), ormwatch.watch() as report:
        Blog.objects.count()
    assert spy not in connection.execute_wrappers
    assert _wrapper.execute_wrapper in connection.execute_wrappers
    assert len(seen) == len(report.queries) == 1


@pytest.mark.django_db
def test_nothing_is_recorded_outside_a_block() -> None:
    with ormwatch.watch() as report:
        pass
    Blog.objects.count()
    assert report.queries == []


@pytest.mark.django_db
def test_the_cap_keeps_counting_past_max_queries(settings: object) -> None:
    settings.ORMWATCH = {"MAX_QUERIES": 3}  # type: ignore[attr-defined]
    with ormwatch.watch() as report:
        for _ in range(5):
            Blog.objects.count()
    assert len(report.queries) == 3
    assert report.query_count == 5
    assert report.dropped_count == 2


@pytest.mark.django_db
def test_an_internal_error_is_logged_once_and_the_query_proceeds(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*args: object) -> None:
        raise RuntimeError("ormwatch bug")

    _failsafe.forget()
    monkeypatch.setattr(_stack, "read", broken)
    with caplog.at_level(logging.ERROR, logger="ormwatch"), ormwatch.watch() as report:
        assert Blog.objects.count() == 0
        assert Blog.objects.count() == 0
    errors = [r for r in caplog.records if r.name == "ormwatch"]
    assert len(errors) == 1
    assert "reading the stack" in errors[0].getMessage()
    # The statements are still recorded, only without their context.
    assert [q.orm.kind for q in report.queries] == ["other", "other"]
    _failsafe.forget()


@pytest.mark.django_db(transaction=True)
def test_the_orm_worker_thread_under_asgi_is_recorded_with_the_awaiting_line() -> None:
    async def view() -> tuple[int, int]:
        line = lineno(1)
        count = await Blog.objects.acount()
        await sync_to_async(close_thread_connections)()  # in the worker thread that ran it
        return count, line

    async def plain() -> int:
        count: int = await sync_to_async(Blog.objects.count)()
        await sync_to_async(close_thread_connections)()
        return count

    with ormwatch.watch() as report:
        count, line = async_to_sync(view)()
        assert count == 0
        assert async_to_sync(plain)() == 0
    first, second = [q for q in report.queries if not q.is_transaction]
    assert first.orm.method == "count"
    assert first.call_site is not None
    assert (first.call_site.path, first.call_site.line) == (__file__, line)
    assert second.orm.method == "count"


# A stress test (8 threads, 1,200 awaits): on two cores shared with another
# xdist worker it once missed 1 in 1,200 in the matrix; the serial runs keep it.
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_awaiting_line_is_found_when_the_worker_starts_first(blog_data: list[Post]) -> None:
    # Under contention the worker thread can run the ORM before the coroutine
    # has reached its await (asgiref submits, then awaits): the site must still
    # be the coroutine's line, not the blocked sync caller's. Eight threads and
    # a tiny switch interval made about one statement in 200 miss before.
    import sys
    import threading
    from collections import Counter
    from contextvars import copy_context

    async def awaiting() -> None:
        for _ in range(150):
            await Post.objects.filter(pk=blog_data[0].pk).afirst()

    def caller() -> None:
        try:
            async_to_sync(awaiting)()
        finally:
            close_thread_connections()

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)
    try:
        with ormwatch.watch() as report:
            threads = [
                threading.Thread(target=copy_context().run, args=(caller,)) for _ in range(8)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
    finally:
        sys.setswitchinterval(interval)
    sites = Counter(
        (q.call_site.path, q.call_site.function.rsplit(".", 1)[-1]) if q.call_site else None
        for q in report.queries
    )
    assert sites == {(__file__, "awaiting"): 1200}  # 3.10 names it without its qualname


@pytest.mark.django_db
def test_library_paths_take_single_files(settings: object) -> None:
    from tests import scenarios

    settings.ORMWATCH = {"LIBRARY_PATHS": [scenarios.__file__]}  # type: ignore[attr-defined]
    scenarios.seed()
    with ormwatch.watch() as report:
        scenarios.duplicate_bad()
    # scenarios.py is now library code: the call site is this test.
    assert {q.call_site.path for q in report.queries if q.call_site} == {__file__}


def test_watch_blocks_leave_nothing_behind() -> None:
    # Every block re-installs the recorder on the thread's connections; the
    # signal receiver must not be connected again (Django's Signal.connect
    # adds a weakref.finalize on each call, even for a known dispatch_uid).
    def finalizers() -> int:
        gc.collect()
        return sum(type(o) is weakref.finalize for o in gc.get_objects())

    with ormwatch.watch():
        pass
    before = finalizers()
    for _ in range(50):
        with ormwatch.watch():
            pass
    assert finalizers() == before
