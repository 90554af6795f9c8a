"""``info`` findings inform: shown and logged at INFO, they never fail a test or a request.

No built-in detector reports an ``info`` finding on this suite's pages since
the "join for a filter" shape was dropped, so these tests register one: a
detector that reports every join across ``category`` as information. The
machinery under test (logging level, ``assert_clean()``, ``RAISE``, the
plugin's fail mode) reads only the finding's severity.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from django.test import Client

import ormwatch
from ormwatch import _analyse
from ormwatch._analyse._analysis import Analysis
from tests.test_middleware import enabled, ormwatch_records  # noqa: F401 - a fixture
from tests.test_pytest_plugin import run  # noqa: F401 - a fixture
from tests.testapp.models import Post

pytestmark = pytest.mark.django_db(transaction=True)

MESSAGE = "Information: a join across category"


def join_information(analysis: Analysis) -> Iterator[ormwatch.Finding]:
    for query in analysis.queries:
        if any(j.path == "category" for j in query.orm.joined):
            yield ormwatch.Finding(
                kind="unexpected_join",
                message=MESSAGE,
                severity="info",
                call_site=query.call_site,
                queries=[query],
            )


@pytest.fixture(autouse=True)
def informed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_analyse, "DETECTORS", [*_analyse.DETECTORS, join_information])


def filter_join() -> list[str]:
    return [p.title for p in Post.objects.filter(category__name="quidem").order_by("pk")]


def test_the_page_has_one_info_finding(blog_data: list[Post]) -> None:
    with ormwatch.watch() as report:
        filter_join()
    (finding,) = report.findings
    assert (finding.kind, finding.severity, finding.informational) == (
        "unexpected_join",
        "info",
        True,
    )


def test_assert_clean_lets_an_info_finding_pass(blog_data: list[Post]) -> None:
    with ormwatch.assert_clean():
        filter_join()
    with pytest.raises(AssertionError, match="N\\+1"), ormwatch.assert_clean():
        _ = [post.category.name for post in Post.objects.order_by("pk")]


def test_raise_mode_lets_an_info_finding_through(enabled: object) -> None:  # noqa: F811
    enabled.ORMWATCH = {"ENABLED": True, "RAISE": True}  # type: ignore[attr-defined]
    assert Client().get("/posts-in-a-category/").status_code == 200


def test_an_info_finding_is_logged_at_info(
    enabled: object,  # noqa: F811
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.INFO, logger="ormwatch"):
        Client().get("/posts-in-a-category/")
    assert ormwatch_records(caplog, logging.WARNING) == []
    finding, summary = ormwatch_records(caplog, logging.INFO)
    assert finding.getMessage().startswith(MESSAGE)
    assert summary.getMessage().endswith("1 unexpected_join")


def test_fail_mode_passes_a_test_with_only_an_info_finding(run) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    module = """
import pytest
from ormwatch import Finding, _analyse
from tests import scenarios
from tests.testapp.models import Post


def information(analysis):
    for query in analysis.queries:
        yield Finding(kind="unexpected_join", message="Information", severity="SEVERITY",
                      call_site=query.call_site, queries=[query])


_analyse.DETECTORS.append(information)  # this subprocess only


@pytest.fixture
def seeded(db):
    scenarios.seed()


def test_filter_join(seeded):
    list(Post.objects.filter(category__name="quidem"))


def test_the_detector_is_heard(seeded):
    from ormwatch import watch

    with watch() as report:
        list(Post.objects.filter(category__name="quidem"))
    assert [f.severity for f in report.findings] == ["SEVERITY"]
"""
    result = run("--ormwatch=fail", module=module.replace("SEVERITY", "info"))
    result.assert_outcomes(passed=2)
    # The same findings as warnings fail both tests: the plugin hears the detector.
    result = run("--ormwatch=fail", module=module.replace("SEVERITY", "warning"))
    result.assert_outcomes(failed=2)
