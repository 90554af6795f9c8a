"""Assertions for unittest and Django TestCase users."""

# These tests show unittest users' style on purpose.
# ruff: noqa: PT009, PT027

from __future__ import annotations

import inspect
from typing import Any

import pytest
from django.test import TestCase

import ormwatch
from tests import scenarios


class MixinTests(ormwatch.OrmWatchTestMixin, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        scenarios.seed()

    def test_assert_no_findings_passes_on_clean_code(self) -> None:
        with self.assertNoFindings() as report:
            scenarios.fk_fixed()
        self.assertEqual(len(report.queries), 1)

    def test_assert_no_findings_fails_with_both_lines_and_the_fix(self) -> None:
        with self.assertRaises(AssertionError) as raised, self.assertNoFindings():
            scenarios.fk_bad()
        text = str(raised.exception)
        self.assertIn("[n_plus_one] N+1: 4 queries loading testapp.Post.category", text)
        self.assertIn("scenarios.py", text)
        self.assertIn('Post.objects.select_related("category")', text)

    def test_assert_no_findings_of_some_kinds_only(self) -> None:
        with self.assertNoFindings("duplicate_query"):
            scenarios.fk_bad()

    def test_assert_max_queries(self) -> None:
        with self.assertMaxQueries(1):
            scenarios.fk_fixed()
        with self.assertRaises(AssertionError) as raised, self.assertMaxQueries(2):
            scenarios.fk_bad()
        self.assertIn("expected at most 2 queries, ran 5:", str(raised.exception))

    def test_savepoints_do_not_count(self) -> None:
        with self.assertMaxQueries(1):
            scenarios.atomic_with_savepoints()


def test_the_plain_context_managers(db: None) -> None:
    scenarios.seed()
    with ormwatch.assert_clean(), ormwatch.assert_max_queries(1):
        scenarios.fk_fixed()


def test_a_blown_budget_names_the_finding_both_lines_and_the_fix(db: None) -> None:
    scenarios.seed()
    with pytest.raises(AssertionError) as raised, ormwatch.assert_max_queries(3):
        scenarios.fk_bad()
    text = str(raised.value)
    assert text.startswith("expected at most 3 queries, ran 5:\n  1. [default] SELECT ")
    assert "ormwatch found 1 problem(s) among them (fixing them saves 4 queries):" in text
    finding = text[text.index("[n_plus_one]") :].splitlines()
    assert finding[0].startswith("[n_plus_one] N+1: 4 queries loading testapp.Post.category")
    assert finding[1] == f"  at      tests/scenarios.py:{lines('fk_bad', '# call')} fk_bad"
    assert finding[3] == f"  fix at  tests/scenarios.py:{lines('fk_bad', 'for post')} fk_bad"
    assert finding[4].strip() == 'for post in Post.objects.select_related("category").all():'


def test_statements_past_max_queries_count_against_the_budget(db: None, settings: Any) -> None:
    scenarios.seed()
    settings.ORMWATCH = {"MAX_QUERIES": 2}
    with pytest.raises(AssertionError) as raised, ormwatch.assert_max_queries(4):
        scenarios.fk_bad()
    text = str(raised.value)
    assert text.startswith("expected at most 4 queries, ran 5:")
    assert "  ... and 3 more, past MAX_QUERIES (not kept)" in text
    with ormwatch.assert_max_queries(5):
        scenarios.fk_bad()


def lines(function: str, text: str) -> int:
    """The line of ``scenarios.<function>`` that contains ``text``."""
    source, start = inspect.getsourcelines(getattr(scenarios, function))
    return start + next(i for i, line in enumerate(source) if text in line)
