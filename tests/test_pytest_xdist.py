"""The pytest plugin under pytest-xdist: one result, as if the run had been serial.

Two modules so that ``--dist=loadfile`` gives each of the two workers one: the
findings of both must reach the controller. The serial run disables xdist
altogether, which also shows the plugin works without it.
"""

from __future__ import annotations

import json
import os
import re
from typing import Any

import pytest

from tests.conftest import pytester_environment

# The runs under test always use SQLite (see the fixture below): on the other
# databases' suites this module would only repeat the same 20 seconds.
pytestmark = pytest.mark.skipif(
    os.environ.get("ORMWATCH_TEST_DB", "sqlite") != "sqlite",
    reason="runs its own SQLite test runs; once per CI run is enough",
)

FIRST = """
from helpers import category_names
from tests.testapp.models import Post


def test_n_plus_one(seeded):
    for post in Post.objects.all():
        post.category.name


def test_clean(seeded):
    for post in Post.objects.select_related("category"):
        post.category.name


def test_shared(seeded):
    category_names()
"""

SECOND = """
from helpers import category_names
from tests.testapp.models import Post


def test_duplicate(seeded):
    list(Post.objects.filter(title="x"))
    list(Post.objects.filter(title="x"))


def test_n_plus_one_elsewhere(seeded):
    [post.category.blog_id for post in Post.objects.order_by("-pk")]


def test_shared_too(seeded):
    category_names()


def test_fails_after_an_n_plus_one(seeded):
    names = [post.category.name for post in Post.objects.order_by("writer")]
    assert names == [], "fails on purpose: its finding is reported all the same"
"""

# One call site reached from a test on each worker: one finding, two tests.
HELPERS = """
from tests.testapp.models import Post


def category_names():
    return [post.category.name for post in Post.objects.order_by("title")]
"""

# Every call of these is logged with the process that made it: the
# controller, or the xdist worker's id.
CONFTEST = """
import os

import pytest

from ormwatch._pytest import _baseline, _reports
from tests import scenarios


@pytest.fixture
def seeded(db):
    scenarios.seed()


def _logged(name, function):
    def wrapper(*args, **kwargs):
        with open("writes.log", "a") as log:
            log.write(f"{name} {os.environ.get('PYTEST_XDIST_WORKER', 'controller')}\\n")
        return function(*args, **kwargs)
    return wrapper

_baseline.save = _logged("baseline", _baseline.save)
_reports.write_reports = _logged("reports", _reports.write_reports)
"""

TIMING = re.compile(r"\d+(\.\d+)? ms")


@pytest.fixture
def run(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    pytester_environment(monkeypatch)
    pytester.makepyfile(test_first=FIRST, test_second=SECOND, conftest=CONFTEST, helpers=HELPERS)

    def run(*args: str) -> pytest.RunResult:
        return pytester.runpytest_subprocess("-p", "pytest_django", "-p", "no:cacheprovider", *args)

    return run


def comparable(value: Any) -> Any:
    """A report without what differs between two runs: timings and the order of findings."""
    if isinstance(value, dict):
        return {k: comparable(v) for k, v in value.items() if k != "duration_ms"}
    if isinstance(value, list):
        items = [comparable(v) for v in value]
        if items and all(isinstance(v, dict) and "kind" in v for v in items):
            items.sort(key=lambda f: json.dumps(f, sort_keys=True))
        return items
    if isinstance(value, str):
        return TIMING.sub("… ms", value)
    return value


def summary(result: pytest.RunResult) -> list[str]:
    lines = result.stdout.lines
    start = next(i for i, line in enumerate(lines) if "ormwatch findings" in line)
    end = next(i for i, line in enumerate(lines) if "call site(s)" in line)
    return [TIMING.sub("… ms", line) for line in lines[start : end + 1]]


def test_two_workers_report_baseline_and_fail_as_the_serial_run(run, pytester) -> None:  # type: ignore[no-untyped-def]
    def options(name: str) -> list[str]:
        return [
            "--ormwatch=warn",
            f"--ormwatch-report={name}.json",
            f"--ormwatch-report={name}.html",
            f"--ormwatch-baseline={name}-baseline.json",
            "--ormwatch-update-baseline",
        ]

    serial = run("-p", "no:xdist", *options("serial"))
    serial.assert_outcomes(passed=6, failed=1)
    assert (pytester.path / "writes.log").read_text().split("\n") == [
        "baseline controller",
        "reports controller",
        "",
    ]
    (pytester.path / "writes.log").unlink()

    parallel = run("-n", "2", "--dist=loadfile", "-v", *options("xdist"))
    parallel.assert_outcomes(passed=6, failed=1)
    # Each worker ran one module, so the findings of both had to travel.
    parallel.stdout.fnmatch_lines_random(
        ["[[]gw0[]] *PASSED test_*.py::*", "[[]gw1[]] *PASSED test_*.py::*"]
    )
    # The controller alone wrote the baseline and the reports, once each.
    assert (pytester.path / "writes.log").read_text().split("\n") == [
        "baseline controller",
        "reports controller",
        "",
    ]

    serial_data = json.loads((pytester.path / "serial.json").read_text())
    xdist_data = json.loads((pytester.path / "xdist.json").read_text())
    assert serial_data["summary"] == {
        "tests": 7,
        "tests_with_findings": 6,
        "findings": {"n_plus_one": 5, "duplicate_query": 1},
    }
    assert comparable(xdist_data) == comparable(serial_data)
    # Tests come in collection order, as a serial run executes them.
    assert [t["nodeid"] for t in xdist_data["tests"]] == [
        "test_first.py::test_n_plus_one",
        "test_first.py::test_clean",
        "test_first.py::test_shared",
        "test_second.py::test_duplicate",
        "test_second.py::test_n_plus_one_elsewhere",
        "test_second.py::test_shared_too",
        "test_second.py::test_fails_after_an_n_plus_one",
    ]
    assert [t["nodeid"] for t in xdist_data["tests"]] == [t["nodeid"] for t in serial_data["tests"]]
    html = (pytester.path / "xdist.html").read_text()
    assert all(t["nodeid"] in html for t in serial_data["tests"] if t["findings"])

    serial_baseline = (pytester.path / "serial-baseline.json").read_bytes()
    assert len(json.loads(serial_baseline)["findings"]) == 5
    assert (pytester.path / "xdist-baseline.json").read_bytes() == serial_baseline

    assert summary(parallel) == summary(serial)
    # The shared call site: its finding once, though its timing differs per test.
    lines = summary(serial)
    (shared,) = [i for i, line in enumerate(lines) if line.startswith("helpers.py:5 ")]
    assert lines[shared].endswith("  (2 tests)")
    assert lines[shared + 1].startswith("  [n_plus_one] N+1: 4 queries loading")
    assert lines[shared + 3] == "    e.g. test_first.py::test_shared"
    assert summary(serial)[-1] == "5 finding(s) at 5 call site(s)"
    # The failing test's finding is listed like any other.
    assert [line for line in summary(parallel) if line.startswith("test_second.py:19 ")]

    # Workers read the baseline to fail only new findings: test_clean gains
    # an N+1 the baseline does not know; the others' findings are accepted.
    pytester.makepyfile(
        test_first=FIRST.replace('Post.objects.select_related("category")', "Post.objects.all()")
    )
    failing = run("-n", "2", "--ormwatch=fail", "--ormwatch-baseline=xdist-baseline.json")
    failing.assert_outcomes(passed=5, failed=2)
    failing.stdout.fnmatch_lines(
        [
            "*[[]n_plus_one[]] N+1: 4 queries loading testapp.Post.category*",
            "*FAILED test_first.py::test_clean*",
        ]
    )


class Lines:
    """The part of pytest's terminal reporter the summary writes to."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def write_sep(self, sep: str, title: str) -> None:
        self.lines.append(title)

    def write_line(self, line: str) -> None:
        self.lines.append(line)


def test_the_summary_counts_a_finding_once_whatever_its_timing_in_each_test() -> None:
    from ormwatch._pytest._summary import write_summary

    site = {"path": "/app/views.py", "line": 3, "function": "index"}

    def finding(ms: str) -> dict[str, Any]:
        message = f"N+1: 4 queries loading shop.Order.customer ({ms} ms), one per Order"
        return {"kind": "n_plus_one", "message": message, "call_site": site, "new": True}

    reporter = Lines()
    write_summary(reporter, {"t.py::a": [finding("0.1")], "t.py::b": [finding("12.5")]})
    assert reporter.lines[1:] == [
        "/app/views.py:3 index  (2 tests)",
        "  [n_plus_one] N+1: 4 queries loading shop.Order.customer (0.1 ms), one per Order",
        "    e.g. t.py::a",
        "1 finding(s) at 1 call site(s)",
    ]


def test_the_summary_prints_a_fix_of_several_lines_whole() -> None:
    from ormwatch._pytest._summary import write_summary

    site = {"path": "app/admin.py", "line": 9, "function": "OrderAdmin"}
    fix = (
        "def get_queryset(self, request):\n"
        '    return super().get_queryset(request).prefetch_related("lines")'
    )
    finding = {
        "kind": "n_plus_one",
        "message": "N+1: 4 queries loading shop.Order.lines (1.0 ms), one per Order",
        "call_site": site,
        "origin": site,
        "fix": fix,
        "new": True,
    }
    reporter = Lines()
    write_summary(reporter, {"t.py::a": [finding]})
    assert reporter.lines[3:7] == [
        "    fix at app/admin.py:9 OrderAdmin:",
        "      def get_queryset(self, request):",
        '          return super().get_queryset(request).prefetch_related("lines")',
        "    e.g. t.py::a",
    ]
