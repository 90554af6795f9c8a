"""Every finding kind on its bad code, with both lines and the fix; nothing on the fixed code."""

from __future__ import annotations

import inspect
from collections.abc import Callable

import pytest

import ormwatch
from tests import scenarios
from tests.scenarios import CASES, CLEAN

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(db: None) -> None:
    scenarios.seed()


def line_of(func: Callable[[], None], word: str) -> int:
    lines, start = inspect.getsourcelines(func)
    hits = [
        start + i
        for i, line in enumerate(lines)
        if f"# {word}" in line or f" {word}" in line.split("#")[-1]
    ]
    assert len(hits) == 1, (func.__name__, word, hits)
    return hits[0]


@pytest.mark.usefixtures("seeded")
@pytest.mark.parametrize(
    ("name", "bad", "fixed", "kind", "relation", "fix"), CASES, ids=[c[0] for c in CASES]
)
def test_bad_code_is_found_with_both_lines_and_the_fix(
    name: str,
    bad: Callable[[], None],
    fixed: Callable[[], None],
    kind: str,
    relation: str | None,
    fix: str,
) -> None:
    with ormwatch.watch() as report:
        bad()
    assert [f.kind for f in report.findings] == [kind], [f.message for f in report.findings]
    (finding,) = report.findings
    assert finding.kind == ormwatch.Kind(kind)
    if relation is not None:
        assert str(finding.relation) == relation
    assert finding.call_site is not None
    assert finding.origin is not None
    assert (finding.call_site.path, finding.call_site.line) == (
        scenarios.__file__,
        line_of(bad, "call"),
    )
    assert (finding.origin.path, finding.origin.line) == (
        scenarios.__file__,
        line_of(bad, "origin"),
    )
    assert finding.fix is not None
    assert fix in finding.fix, finding.fix
    assert finding.query_count >= 2 or kind == "prefetch_bypassed"
    assert finding.duration_ms > 0
    assert finding.message


@pytest.mark.usefixtures("seeded")
@pytest.mark.parametrize(
    ("name", "bad", "fixed", "kind", "relation", "fix"), CASES, ids=[c[0] for c in CASES]
)
def test_fixed_code_reports_nothing_and_runs_fewer_queries(
    name: str,
    bad: Callable[[], None],
    fixed: Callable[[], None],
    kind: str,
    relation: str | None,
    fix: str,
) -> None:
    with ormwatch.watch() as before:
        bad()
    with ormwatch.watch() as after:
        fixed()
    assert after.findings == [], [f.message for f in after.findings]
    assert len(after.queries) < len(before.queries)


@pytest.mark.usefixtures("seeded")
@pytest.mark.parametrize("pattern", CLEAN, ids=[f.__name__ for f in CLEAN])
def test_clean_patterns_report_nothing(pattern: Callable[[], None]) -> None:
    with ormwatch.watch() as report:
        pattern()
    assert report.queries, "the pattern must run queries for this test to mean anything"
    assert report.findings == [], [f.message for f in report.findings]


def test_there_are_at_least_ten_clean_patterns() -> None:
    assert len(CLEAN) >= 10
