"""Shared checks for the statement-shape detectors' tests (tests/scenarios_shape.py)."""

from __future__ import annotations

import inspect
from collections.abc import Callable

import ormwatch
from tests import scenarios_shape
from tests.scenarios_shape import Case


def line_of(func: Callable[[], None], word: str) -> int:
    lines, start = inspect.getsourcelines(func)
    hits = [
        start + i for i, line in enumerate(lines) if f"# {word}" in line or f"# call {word}" in line
    ]
    assert len(hits) == 1, (func.__name__, word, hits)
    return hits[0]


def found_on_bad_code(case: Case) -> ormwatch.Finding:
    """The one finding the bad code must produce, at both marked lines, with the fix."""
    with ormwatch.watch() as report:
        case.bad()
    assert [f.kind for f in report.findings] == [case.kind], [f.message for f in report.findings]
    (finding,) = report.findings
    assert finding.kind == ormwatch.Kind(case.kind)
    assert finding.severity == case.severity
    assert finding.call_site is not None
    assert finding.origin is not None
    path = scenarios_shape.__file__
    assert (finding.call_site.path, finding.call_site.line) == (path, line_of(case.bad, "call"))
    assert (finding.origin.path, finding.origin.line) == (path, line_of(case.bad, "origin"))
    assert finding.fix is not None
    assert case.fix in finding.fix, finding.fix
    assert finding.sql_fragment is not None
    assert case.fragment in finding.sql_fragment, finding.sql_fragment
    assert any(finding.sql_fragment in q.sql for q in finding.queries), finding.sql_fragment
    assert finding.message
    return finding


def nothing_on_fixed_code(case: Case) -> ormwatch.Report:
    with ormwatch.watch() as report:
        case.fixed()
    assert report.queries, "the fixed code must run queries for this to mean anything"
    assert report.findings == [], [f.message for f in report.findings]
    return report


def findings_of(func: Callable[[], object]) -> list[ormwatch.Finding]:
    with ormwatch.watch() as report:
        func()
    assert report.queries, "the code must run queries for this to mean anything"
    return report.findings
