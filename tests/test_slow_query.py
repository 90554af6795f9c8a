"""Slow queries, with a real sleep on each database."""

from __future__ import annotations

import time

import pytest
from django.db import connection

import ormwatch
from ormwatch import _conf

pytestmark = pytest.mark.django_db


def _sleep(seconds: float) -> int:
    time.sleep(seconds)
    return 0


def _sleep_sql(seconds: float) -> str:
    if connection.vendor == "postgresql":
        return f"SELECT pg_sleep({seconds})"
    if connection.vendor == "mysql":
        return f"SELECT SLEEP({seconds})"
    # SQLite has no sleep: register one on the real connection.
    connection.ensure_connection()
    connection.connection.create_function("sleep", 1, _sleep)
    return f"SELECT sleep({seconds})"


def test_a_statement_over_the_limit_is_reported(settings: object) -> None:
    settings.ORMWATCH = {"SLOW_QUERY_MS": 50}  # type: ignore[attr-defined]
    sql = _sleep_sql(0.08)
    with ormwatch.watch() as report, connection.cursor() as cursor:
        cursor.execute(sql)
        cursor.execute("SELECT 1")
    (finding,) = report.findings
    assert finding.kind == "slow_query"
    assert finding.queries[0].sql == sql
    assert finding.duration_ms >= 50
    assert finding.call_site is not None
    assert finding.call_site.path == __file__


def test_the_default_limit_is_100_ms(settings: object) -> None:
    settings.ORMWATCH = {}  # type: ignore[attr-defined]
    assert _conf.get().slow_query_ms == 100
    sql = _sleep_sql(0.02)
    with ormwatch.watch() as report, connection.cursor() as cursor:
        cursor.execute(sql)
    assert report.findings == []
