"""Silencing findings in settings and in code, without turning recording off."""

from __future__ import annotations

import pytest

import ormwatch
from tests import scenarios

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def seeded(db: None) -> None:
    scenarios.seed()


@pytest.mark.parametrize(
    "rule",
    [
        {"kind": "n_plus_one"},
        {"relation": "testapp.Post.category"},
        {"relation": "testapp.Post.*"},
        {"path": "*/tests/scenarios.py"},
        {"kind": "n_plus_one", "fingerprint": "select * from testapp_category*"},
    ],
)
def test_a_matching_settings_rule_silences_the_finding(
    settings: object, rule: dict[str, str]
) -> None:
    settings.ORMWATCH = {"IGNORE": [rule]}  # type: ignore[attr-defined]
    with ormwatch.watch() as report:
        scenarios.fk_bad()
    assert report.findings == []
    assert len(report.queries) == 5  # still recorded


@pytest.mark.parametrize(
    "rule",
    [
        {"kind": "duplicate_query"},
        {"relation": "testapp.Pizza.toppings"},
        {"path": "*/elsewhere/*"},
        {"kind": "n_plus_one", "relation": "testapp.Pizza.*"},
    ],
)
def test_a_rule_that_does_not_match_keeps_the_finding(
    settings: object, rule: dict[str, str]
) -> None:
    settings.ORMWATCH = {"IGNORE": [rule]}  # type: ignore[attr-defined]
    with ormwatch.watch() as report:
        scenarios.fk_bad()
    assert [f.kind for f in report.findings] == ["n_plus_one"]


def test_ignore_block_silences_only_the_named_kind() -> None:
    with ormwatch.watch() as report:
        with ormwatch.ignore("n_plus_one"):
            scenarios.fk_bad()
            scenarios.duplicate_bad()
        scenarios.m2m_bad()
    assert sorted(f.kind for f in report.findings) == ["duplicate_query", "n_plus_one"]
    (n_plus_one,) = [f for f in report.findings if f.kind == "n_plus_one"]
    assert str(n_plus_one.relation) == "testapp.Pizza.toppings"
    assert len(report.queries) == 10  # 5 + 2 + 3: recording went on


def test_ignore_without_kinds_silences_everything() -> None:
    with ormwatch.watch() as report, ormwatch.ignore():
        scenarios.fk_bad()
        scenarios.duplicate_bad()
    assert report.findings == []


def test_ignore_as_a_decorator() -> None:
    @ormwatch.ignore(ormwatch.Kind.N_PLUS_ONE)
    def legacy() -> None:
        scenarios.fk_bad()

    with ormwatch.watch() as report:
        legacy()
    assert report.findings == []
