"""Concurrent recordings never see each other's queries."""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor
from contextvars import copy_context

import pytest
from asgiref.sync import sync_to_async

import ormwatch
from tests.conftest import close_thread_connections
from tests.testapp.models import Blog

pytestmark = pytest.mark.django_db(transaction=True)


def _marked_queries(marker: str, n: int, barrier: threading.Barrier | None) -> ormwatch.Report:
    with ormwatch.watch() as report:
        for i in range(n):
            if barrier is not None and i == 1:
                barrier.wait(timeout=10)
            list(Blog.objects.filter(name=f"{marker}-{i}"))
    close_thread_connections()
    return report


def _markers(report: ormwatch.Report) -> set[str]:
    return {p.split("-")[0] for q in report.queries for p in q.params if isinstance(p, str)}


def test_two_threads_and_two_async_tasks_record_at_once() -> None:
    barrier = threading.Barrier(2)
    with ThreadPoolExecutor(2) as pool:
        futures = [pool.submit(_marked_queries, m, 5, barrier) for m in ("thread1", "thread2")]

        async def task(marker: str) -> ormwatch.Report:
            with ormwatch.watch() as report:
                for i in range(5):
                    await Blog.objects.filter(name=f"{marker}-{i}").aexists()
                    await asyncio.sleep(0)
            return report

        async def both() -> list[ormwatch.Report]:
            reports = list(await asyncio.gather(task("task1"), task("task2")))
            await sync_to_async(close_thread_connections)()  # asgiref's worker thread
            return reports

        tasks = asyncio.run(both())
        threads = [f.result(timeout=30) for f in futures]
    for report, marker in zip(
        [*threads, *tasks], ["thread1", "thread2", "task1", "task2"], strict=False
    ):
        assert len(report.queries) == 5, marker
        assert _markers(report) == {marker}


def test_a_worker_thread_started_with_the_requests_context_is_attributed() -> None:
    def work() -> int:
        count: int = Blog.objects.filter(name="worker").count()
        close_thread_connections()
        return count

    with ormwatch.watch() as report, ThreadPoolExecutor(1) as pool:
        assert pool.submit(copy_context().run, work).result() == 0
        assert pool.submit(work).result() == 0  # no context copied: not ours
    (query,) = report.queries
    assert query.params == ["worker"] or query.params == ("worker",)


def test_sync_to_async_inside_a_task_is_attributed_to_that_task() -> None:
    async def task(marker: str) -> ormwatch.Report:
        with ormwatch.watch() as report:
            await sync_to_async(lambda: list(Blog.objects.filter(name=marker)))()
        return report

    async def both() -> list[ormwatch.Report]:
        reports = list(await asyncio.gather(task("a"), task("b")))
        await sync_to_async(close_thread_connections)()  # asgiref's worker thread
        return reports

    first, second = asyncio.run(both())
    # MariaDB's new worker connection also records its SET statement (no params).
    assert [q.params[0] for q in first.queries if not q.is_transaction] == ["a"]
    assert [q.params[0] for q in second.queries if not q.is_transaction] == ["b"]
