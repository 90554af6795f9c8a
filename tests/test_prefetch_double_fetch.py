"""prefetch_double_fetch: prefetch_related("rel") with filter(rel__x=...) (seeds 001, 002)."""

from __future__ import annotations

import pytest
from django.db.models import Prefetch

from tests import scenarios_shape
from tests.scenarios_shape import Case, cases
from tests.shape_support import findings_of, found_on_bad_code, nothing_on_fixed_code
from tests.testapp.models import Blog, Category

pytestmark = pytest.mark.django_db
CASES = cases("prefetch_double_fetch")


@pytest.fixture
def seeded(db: None) -> None:
    scenarios_shape.seed()


@pytest.mark.usefixtures("seeded")
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_code_is_found_with_the_join_and_the_rewrite(case: Case) -> None:
    finding = found_on_bad_code(case)
    # The main query and the prefetch it repeats: both belong to the finding.
    assert [q.orm.kind for q in finding.queries] == ["query", "prefetch"]
    assert finding.saved_queries == 1


@pytest.mark.usefixtures("seeded")
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_fixed_code_reports_nothing(case: Case) -> None:
    nothing_on_fixed_code(case)


@pytest.mark.usefixtures("seeded")
def test_the_fix_moves_the_filter_into_the_prefetch_keeping_the_other_filters() -> None:
    (finding,) = findings_of(scenarios_shape.double_fetch_bad)
    assert finding.fix is not None
    # The outer filter stays (the same blogs, each once, tested with Exists()), and the
    # prefetch reads only the categories that filter matched.
    assert finding.fix == (
        'blog_queryset = Blog.objects.prefetch_related(Prefetch("category", '
        'queryset=Category.objects.filter(name__contains="modi"))).filter(Exists('
        'Category.objects.filter(blog=OuterRef("pk"), name__contains="modi")), '
        'name__contains="김영희")'
    )
    assert str(finding.relation) == "testapp.Blog.category"


@pytest.mark.usefixtures("seeded")
def test_a_prefetch_with_its_own_queryset_is_the_fix_not_the_problem() -> None:
    # Filtering blogs on their categories *and* prefetching only those
    # categories is a deliberate pair: the prefetch does not fetch every row.
    def both() -> None:
        blogs = Blog.objects.filter(category__name__contains="modi").prefetch_related(
            Prefetch("category", queryset=Category.objects.filter(name__contains="modi"))
        )
        _ = [c.name for b in blogs for c in b.category.all()]

    assert "prefetch_double_fetch" not in [f.kind for f in findings_of(both)]


@pytest.mark.usefixtures("seeded")
def test_a_prefetch_of_another_relation_is_not_reported() -> None:
    def other() -> None:
        categories = Category.objects.filter(blog__name="김영희").prefetch_related("post")
        _ = [p.title for c in categories for p in c.post.all()]

    assert "prefetch_double_fetch" not in [f.kind for f in findings_of(other)]
