"""Per-run state and hooks: record each test, fail or collect, summarise, write files."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import pytest

from ormwatch._pytest import _baseline
from ormwatch._pytest._fixture import OrmWatchFixture
from ormwatch._pytest._options import Options


class OrmWatchSession:
    """Registered on the config as ``ormwatch-session``; holds this run's results."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.options = Options.from_config(config)
        self.baseline = (
            _baseline.load(self.options.baseline)
            if self.options.baseline and not self.options.update_baseline
            else set()
        )
        # nodeid -> plain finding dicts (with "sql" and "new"), bounded per test
        self.results: dict[str, list[dict[str, Any]]] = {}
        self.query_counts: dict[str, int] = {}

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_call(self, item: pytest.Item) -> Generator[None, object, object]:
        marker = item.get_closest_marker("ormwatch")
        funcargs: dict[str, Any] = getattr(item, "funcargs", {})
        fixture = funcargs.get("ormwatch")
        if not isinstance(fixture, OrmWatchFixture):
            fixture = None
        if marker is None and fixture is None and not self.options.records_every_test:
            return (yield)
        from ormwatch._record import watch

        with watch() as report:
            if fixture is not None:
                fixture._report = report
            result = yield  # a failing test body raises here and skips our checks
        self._check(item, report, marker)
        return result

    def _check(self, item: pytest.Item, report: Any, marker: pytest.Mark | None) -> None:
        from ormwatch._testing import counted, findings_message, max_queries_message

        allowed = {str(k) for k in (marker.kwargs.get("allow", ()) if marker else ())}
        findings = [f for f in report.findings if f.kind not in allowed]
        plain = [self._plain(f) for f in findings]
        new = [f for f, p in zip(findings, plain, strict=True) if p["new"]]
        if self.options.records_every_test:
            self.results[item.nodeid] = plain
            self.query_counts[item.nodeid] = report.query_count
        limit = marker.kwargs.get("max_queries") if marker else None
        if limit is not None:
            queries = counted(report.queries)
            if len(queries) > limit:
                pytest.fail(
                    max_queries_message(limit, queries, self.options.verbose), pytrace=False
                )
        if self.options.mode == "fail" and new and not self.options.update_baseline:
            pytest.fail(findings_message(new, self.options.verbose), pytrace=False)

    def _plain(self, finding: Any) -> dict[str, Any]:
        data: dict[str, Any] = finding.to_dict()
        data["sql"] = [q.sql[:2000] for q in finding.queries[:3]]
        data["new"] = _baseline.key(data, self.config.rootpath) not in self.baseline
        return data

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if self.options.mode != "warn":
            return
        from ormwatch._pytest._summary import write_summary

        write_summary(terminalreporter, self.results)

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if self.options.update_baseline and self.options.baseline is not None:
            keys = [
                _baseline.key(f, self.config.rootpath) for fs in self.results.values() for f in fs
            ]
            _baseline.save(self.options.baseline, keys)
        if self.options.reports:
            from ormwatch._pytest._reports import write_reports

            write_reports(self.options.reports, self.results, self.query_counts)
