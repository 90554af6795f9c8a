"""The ``ormwatch`` fixture object."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from ormwatch._finding import Finding
    from ormwatch._query import Query
    from ormwatch._report import Report


class OrmWatchFixture:
    """What the ``ormwatch`` fixture gives a test; the plugin records the test body into it."""

    def __init__(self, verbose: bool = False) -> None:
        self._verbose = verbose
        self._report: Report | None = None

    @property
    def report(self) -> Report:
        if self._report is None:
            raise RuntimeError(
                "the ormwatch fixture records the test body only; "
                "use it in the test function, not in another fixture's setup"
            )
        return self._report

    @property
    def findings(self) -> list[Finding]:
        """Findings of the test body so far."""
        return self.report.findings

    @property
    def queries(self) -> list[Query]:
        """Statements of the test body so far, on every alias."""
        return self.report.queries

    def assert_clean(self, *kinds: str) -> None:
        """Fail the test if it has findings (of ``kinds``, when given)."""
        from ormwatch._report import failing_findings
        from ormwatch._testing import findings_message

        failing = failing_findings(self.findings, kinds)
        if failing:
            pytest.fail(findings_message(failing, self._verbose), pytrace=False)

    def assert_max_queries(self, limit: int) -> None:
        """Fail if the test body ran more than ``limit`` statements (all aliases, no savepoints)."""
        from ormwatch._testing import budget_failure

        message = budget_failure(limit, self.report, self._verbose)
        if message is not None:
            pytest.fail(message, pytrace=False)

    @contextmanager
    def capture(self) -> Iterator[Report]:
        """Record just this block into its own report."""
        from ormwatch._record import watch

        with watch() as report:
            yield report
