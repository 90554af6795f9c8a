"""eager_load_ignored: select_related / prefetch_related that values() dropped (seed 001)."""

from __future__ import annotations

import pytest

import ormwatch
from tests import scenarios_shape
from tests.scenarios_shape import Case, cases
from tests.shape_support import findings_of, found_on_bad_code, nothing_on_fixed_code
from tests.testapp.models import Category

pytestmark = pytest.mark.django_db
CASES = cases("eager_load_ignored")


@pytest.fixture
def seeded(db: None) -> None:
    scenarios_shape.seed()


@pytest.mark.usefixtures("seeded")
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_code_is_found_with_the_rewrite(case: Case) -> None:
    finding = found_on_bad_code(case)
    assert finding.details["method"] in ("select_related", "prefetch_related")


@pytest.mark.usefixtures("seeded")
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_fixed_code_reports_nothing(case: Case) -> None:
    nothing_on_fixed_code(case)


@pytest.mark.usefixtures("seeded")
@pytest.mark.parametrize(
    "evaluate",
    [
        lambda: list(Category.objects.select_related("blog").values()),
        lambda: list(Category.objects.select_related("post__title").values()),  # not even checked
        lambda: list(Category.objects.prefetch_related("post").values()),
        lambda: list(Category.objects.values().prefetch_related("post")),
    ],
    ids=["select_related", "invalid select_related", "prefetch_related", "values first"],
)
def test_django_drops_these_silently(evaluate: object) -> None:
    # What the detector relies on, checked on every Django the suite runs on:
    # one statement, no join, no prefetch query, no error.
    with ormwatch.watch() as report:
        evaluate()  # type: ignore[operator]
    (query,) = report.queries
    assert " JOIN " not in query.sql


def test_django_refuses_select_related_after_values() -> None:
    with pytest.raises(TypeError, match="select_related"):
        Category.objects.values().select_related("blog")


@pytest.mark.usefixtures("seeded")
def test_the_prefetch_is_proven_by_the_recorded_statement_alone() -> None:
    # No chain in sight of the call site (it was built outside this function): the
    # recorded prefetch lookups are proof enough.
    queryset = Category.objects.prefetch_related("post").values_list("name")

    def evaluate() -> None:
        _ = [row for row in queryset]

    (finding,) = findings_of(evaluate)
    assert finding.details == {"method": "prefetch_related", "lookups": ["post"]}


@pytest.mark.usefixtures("seeded")
def test_select_related_without_source_proof_is_not_guessed() -> None:
    # values() wipes select_related from the query: with the chain out of
    # sight, nothing can prove it was there, so nothing is reported.
    queryset = Category.objects.select_related("blog").values("name")

    def evaluate() -> None:
        _ = [row for row in queryset]

    assert findings_of(evaluate) == []
