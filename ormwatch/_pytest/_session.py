"""Per-run state and hooks: record each test, fail or collect, summarise, write files.

Each test's findings ride on its own ``call`` report (``report.ormwatch``), and
the run's results are gathered from ``pytest_runtest_logreport``. Serially
that hook runs in the same process; under pytest-xdist a worker's reports are
serialised with every attribute they carry and replayed on the controller, so
one code path aggregates both. Only the controller (never a worker) prints
the summary and writes the reports and the baseline.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import pytest

from ormwatch._pytest import _baseline
from ormwatch._pytest._fixture import OrmWatchFixture
from ormwatch._pytest._options import Options
from ormwatch._pytest._reports import relative_sites

# One test's results until its call report is made: {"index", "query_count", "findings"}.
_payload = pytest.StashKey[dict[str, Any]]()
_positions = pytest.StashKey[dict[str, int]]()


class OrmWatchSession:
    """Registered on the config as ``ormwatch-session``; holds this run's results."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.options = Options.from_config(config)
        # A pytest-xdist worker: it records and fails its tests, the controller reports.
        self.is_worker = hasattr(config, "workerinput")
        self.baseline = (
            _baseline.load(self.options.baseline)
            if self.options.baseline and not self.options.update_baseline
            else set()
        )
        # nodeid -> (position in the collection, query count, plain finding dicts
        # with "sql" and "new"); gathered on the controller only.
        self._gathered: dict[str, tuple[int, int, list[dict[str, Any]]]] = {}

    @property
    def results(self) -> dict[str, list[dict[str, Any]]]:
        """nodeid -> findings, in collection order (as a serial run executes them)."""
        ordered = sorted(self._gathered.items(), key=lambda item: item[1][0])
        return {nodeid: findings for nodeid, (_, _, findings) in ordered}

    @property
    def query_counts(self) -> dict[str, int]:
        return {nodeid: count for nodeid, (_, count, _) in self._gathered.items()}

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_call(self, item: pytest.Item) -> Generator[None, object, object]:
        marker = item.get_closest_marker("ormwatch")
        funcargs: dict[str, Any] = getattr(item, "funcargs", {})
        fixture = funcargs.get("ormwatch")
        if not isinstance(fixture, OrmWatchFixture):
            fixture = None
        if marker is None and fixture is None and not self.options.records_every_test:
            return (yield)
        from ormwatch._pytest._unittest import set_up_unrecorded
        from ormwatch._record import watch

        report = None
        try:
            with watch() as report, set_up_unrecorded(getattr(item, "instance", None)):
                if fixture is not None:
                    fixture._report = report
                result = yield
        except KeyboardInterrupt:
            raise
        except BaseException:
            # The test failed (or skipped): its findings are reported like any
            # other test's, they are often why it failed; failing it again is moot.
            if report is not None:
                try:
                    self._collect(item, report, marker)
                except Exception as exc:  # the test's own failure is the one to show
                    from ormwatch import _failsafe

                    _failsafe.swallow("collecting a failed test's findings", exc)
            raise
        new = self._collect(item, report, marker)
        self._check(report, marker, new)
        return result

    def _collect(self, item: pytest.Item, report: Any, marker: pytest.Mark | None) -> list[Any]:
        """Put the test's findings on its item for the call report; return the new ones."""
        allowed = {str(k) for k in (marker.kwargs.get("allow", ()) if marker else ())}
        findings = [f for f in report.findings if f.kind not in allowed]
        plain = [self._plain(f) for f in findings]
        if self.options.records_every_test:
            item.stash[_payload] = {
                "index": _position(item),
                "query_count": report.query_count,
                "findings": plain,
            }
        return [f for f, p in zip(findings, plain, strict=True) if p["new"]]

    def _check(self, report: Any, marker: pytest.Mark | None, new: list[Any]) -> None:
        from ormwatch._report import failing_findings
        from ormwatch._testing import budget_failure, findings_message

        limit = marker.kwargs.get("max_queries") if marker else None
        if limit is not None:
            message = budget_failure(limit, report, self.options.verbose)
            if message is not None:
                pytest.fail(message, pytrace=False)
        failing = failing_findings(new)
        if self.options.mode == "fail" and failing and not self.options.update_baseline:
            pytest.fail(findings_message(failing, self.options.verbose), pytrace=False)

    def _plain(self, finding: Any) -> dict[str, Any]:
        data: dict[str, Any] = finding.to_dict()
        data["sql"] = [q.sql[:2000] for q in finding.queries[:3]]
        data["new"] = _baseline.key(data, self.config.rootpath) not in self.baseline
        relative_sites(data, self.config.rootpath)
        return data

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(
        self, item: pytest.Item, call: pytest.CallInfo[None]
    ) -> Generator[None, pytest.TestReport, pytest.TestReport]:
        report = yield
        if call.when == "call" and _payload in item.stash:
            # Plain data only: xdist serialises the report's attributes as they are.
            report.ormwatch = item.stash[_payload]  # type: ignore[attr-defined]
            del item.stash[_payload]
        return report

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        payload = getattr(report, "ormwatch", None)
        if self.is_worker or report.when != "call" or not isinstance(payload, dict):
            return
        self._gathered[report.nodeid] = (
            int(payload["index"]),
            int(payload["query_count"]),
            list(payload["findings"]),
        )

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if self.options.mode != "warn" or self.is_worker:
            return
        from ormwatch._pytest._summary import write_summary

        write_summary(terminalreporter, self.results)

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if self.is_worker:
            return
        if self.options.update_baseline and self.options.baseline is not None:
            keys = [
                _baseline.key(f, self.config.rootpath) for fs in self.results.values() for f in fs
            ]
            _baseline.save(self.options.baseline, keys)
        if self.options.reports:
            from ormwatch._pytest._reports import write_reports

            write_reports(self.options.reports, self.results, self.query_counts)


def _position(item: pytest.Item) -> int:
    """The item's place in the collection: the same on every xdist worker as serially."""
    stash = item.session.stash
    if _positions not in stash:
        stash[_positions] = {each.nodeid: i for i, each in enumerate(item.session.items)}
    return stash[_positions].get(item.nodeid, len(stash[_positions]))
