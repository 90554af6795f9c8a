"""Assertions for tests, usable without pytest (unittest, Django's TestCase).

The pytest plugin's fixture and marker are built on the same two checks
(``failing_findings()`` and ``budget_failure()``).
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


def budget_failure(limit: int, report: Report, verbose: bool = False) -> str | None:
    """The one query-budget check, or ``None`` when ``report`` kept within ``limit``.

    ``assert_max_queries()``, the fixture's ``assert_max_queries()`` and the
    marker's ``max_queries`` all call it (each had its own copy, and the
    marker's did not count statements past ``MAX_QUERIES``). Those statements
    were not kept but did run, so they count. The message lists the statements
    and then the findings among them, with both lines and the fix: the budget
    is usually blown by one N+1, and that says where and how to bring it back.
    """
    queries = counted(report.queries)
    ran = len(queries) + report.dropped_count
    if ran <= limit:
        return None
    lines = [f"expected at most {limit} queries, ran {ran}:"]
    for query in queries:
        where = f"  at {query.call_site}" if query.call_site else ""
        sql = query.sql if verbose else query.sql[:120]
        lines.append(f"  {query.index + 1}. [{query.alias}] {sql}{where}")
    if report.dropped_count:
        lines.append(f"  ... and {report.dropped_count} more, past MAX_QUERIES (not kept)")
    findings = failing_findings(report.findings)
    if findings:
        saved = sum(f.saved_queries for f in findings)
        gain = f" (fixing them saves {saved} quer{'y' if saved == 1 else 'ies'})" if saved else ""
        lines.extend(["", f"ormwatch found {len(findings)} problem(s) among them{gain}:", ""])
        lines.append("\n\n".join(block(f, verbose=verbose) for f in findings))
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
    message = budget_failure(limit, report, verbose)
    if message is not None:
        raise AssertionError(message)


class OrmWatchTestMixin:
    """For ``unittest.TestCase`` / Django ``TestCase``: the same checks as methods.

    ``with self.assertNoFindings(): ...`` and ``with self.assertMaxQueries(3): ...``.
    """

    def assertNoFindings(self, *kinds: str) -> AbstractContextManager[Report]:
        return assert_clean(*kinds)

    def assertMaxQueries(self, limit: int) -> AbstractContextManager[Report]:
        return assert_max_queries(limit)
