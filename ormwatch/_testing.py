"""Assertions for tests, usable without pytest (unittest, Django's TestCase).

The pytest plugin's fixture and marker are built on the same two checks.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager

from ormwatch._finding import Finding
from ormwatch._format import block
from ormwatch._query import Query
from ormwatch._record import watch
from ormwatch._report import Report, failing_findings


def findings_message(findings: Sequence[Finding], verbose: bool = False) -> str:
    body = "\n\n".join(block(f, verbose=verbose) for f in findings)
    return f"ormwatch found {len(findings)} problem(s):\n\n{body}"


def counted(queries: Iterable[Query]) -> list[Query]:
    """The statements a query budget counts: every alias, no transaction bookkeeping."""
    return [q for q in queries if not q.is_transaction]


def max_queries_message(limit: int, queries: Sequence[Query], verbose: bool = False) -> str:
    lines = [f"expected at most {limit} queries, ran {len(queries)}:"]
    for query in queries:
        where = f"  at {query.call_site}" if query.call_site else ""
        sql = query.sql if verbose else query.sql[:120]
        lines.append(f"  {query.index + 1}. [{query.alias}] {sql}{where}")
    return "\n".join(lines)


@contextmanager
def assert_clean(*kinds: str, verbose: bool = False) -> Iterator[Report]:
    """Fail with ``AssertionError`` if the block has findings (of ``kinds``, when given)."""
    with watch() as report:
        yield report
    failing = failing_findings(report.findings, kinds)
    if failing:
        raise AssertionError(findings_message(failing, verbose))


@contextmanager
def assert_max_queries(limit: int, verbose: bool = False) -> Iterator[Report]:
    """Fail if the block runs more than ``limit`` statements on all aliases together."""
    with watch() as report:
        yield report
    queries = counted(report.queries)
    if report.dropped_count or len(queries) > limit:
        raise AssertionError(max_queries_message(limit, queries, verbose))


class OrmWatchTestMixin:
    """For ``unittest.TestCase`` / Django ``TestCase``: the same checks as methods.

    ``with self.assertNoFindings(): ...`` and ``with self.assertMaxQueries(3): ...``.
    """

    def assertNoFindings(self, *kinds: str) -> AbstractContextManager[Report]:
        return assert_clean(*kinds)

    def assertMaxQueries(self, limit: int) -> AbstractContextManager[Report]:
        return assert_max_queries(limit)
