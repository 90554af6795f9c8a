"""``info`` findings inform: shown and logged at INFO, they never fail a test or a request.

A join made only to filter (``unexpected_join``, shape ``filter_join``) is the
one info finding; every ``filter(fk__field=...)`` makes one.
"""

from __future__ import annotations

import logging

import pytest
from django.test import Client

import ormwatch
from tests.test_middleware import enabled, ormwatch_records  # noqa: F401 - a fixture
from tests.test_pytest_plugin import run  # noqa: F401 - a fixture
from tests.testapp.models import Post

pytestmark = pytest.mark.django_db(transaction=True)


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
    assert finding.getMessage().startswith("Join for a filter: category__name joins Category")
    assert summary.getMessage().endswith("1 unexpected_join")


def test_fail_mode_passes_a_test_with_only_an_info_finding(run) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    module = """
import pytest
from tests import scenarios
from tests.testapp.models import Post


@pytest.fixture
def seeded(db):
    scenarios.seed()


def test_filter_join(seeded):
    list(Post.objects.filter(category__name="quidem"))
"""
    result = run("--ormwatch=fail", module=module)
    result.assert_outcomes(passed=1)
