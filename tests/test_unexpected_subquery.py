"""unexpected_subquery: subqueries Django wrote on its own, never the user's (seed 001)."""

from __future__ import annotations

import json

import pytest
from django.db.models import Exists, OuterRef, Prefetch, Subquery

import ormwatch
from tests import scenarios_shape
from tests.scenarios_shape import Case, cases
from tests.shape_support import findings_of, found_on_bad_code, nothing_on_fixed_code
from tests.testapp.models import Blog, Category, Post

pytestmark = pytest.mark.django_db
CASES = cases("unexpected_subquery")


@pytest.fixture
def seeded(db: None) -> None:
    scenarios_shape.seed()


@pytest.mark.usefixtures("seeded")
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_code_is_found_with_the_subquery_and_the_rewrite(case: Case) -> None:
    finding = found_on_bad_code(case)
    assert finding.details["subquery"]["kind"] in ("in_queryset", "exclude")


@pytest.mark.usefixtures("seeded")
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_fixed_code_reports_nothing(case: Case) -> None:
    report = nothing_on_fixed_code(case)
    assert all(not q.orm.subqueries for q in report.queries)


@pytest.mark.usefixtures("seeded")
def test_the_lazy_queryset_is_recorded_with_its_lookup_and_conditions() -> None:
    with ormwatch.watch() as report:
        scenarios_shape.in_queryset_bad()
    query = report.queries[-1]
    (sub,) = query.orm.subqueries
    assert (sub.kind, sub.lookup, sub.relation, sub.model, sub.table) == (
        "in_queryset",
        "blog__in",
        "blog",
        "testapp.Blog",
        "testapp_blog",
    )
    assert sub.conditions == ("id",)
    assert sub.joinable
    json.dumps(query.to_dict())


@pytest.mark.usefixtures("seeded")
def test_the_exclude_is_recorded_by_relation_and_condition() -> None:
    with ormwatch.watch() as report:
        scenarios_shape.exclude_reverse_bad()
    (sub,) = report.queries[0].orm.subqueries
    assert (sub.kind, sub.lookup, sub.relation, sub.model, sub.conditions) == (
        "exclude",
        "post__title__contains",
        "post",
        "testapp.Post",
        ("title__contains",),
    )


@pytest.mark.usefixtures("seeded")
def test_the_in_queryset_fix_passes_the_rows_where_the_lazy_queryset_is_passed() -> None:
    with ormwatch.watch() as report:
        scenarios_shape.in_queryset_bad()
    (finding,) = report.findings
    # The ids were fetched on their own just before: their cached rows are passed, in the
    # statement that passes the queryset; the variable stays a queryset for other uses.
    assert finding.fix == (
        "category_queryset = Category.objects.filter(blog__id__in=list(blog_queryset))"
    )
    (edit,) = finding.edits
    assert edit.text.startswith(f"    {finding.fix}  #")


@pytest.mark.usefixtures("seeded")
def test_two_excludes_in_one_call_are_two_findings() -> None:
    def bad() -> None:
        _ = list(Category.objects.exclude(post__title="x", post__writer="y"))

    found = findings_of(bad)
    assert sorted(f.details["subquery"]["lookup"] for f in found) == [
        "post__title",
        "post__writer",
    ]
    # Two conditions in one exclude() need not hold for one related row: one Exists() each,
    # the same edit for both findings.
    assert found[0].edits == found[1].edits
    assert found[0].fix == (
        '_ = list(Category.objects.exclude(Exists(Post.objects.filter(category=OuterRef("pk"), '
        'title="x")), Exists(Post.objects.filter(category=OuterRef("pk"), writer="y"))))'
    )


@pytest.mark.usefixtures("seeded")
@pytest.mark.parametrize(
    "written",
    [
        # Seed 001 2-2: a forward-FK exclude() is a plain join.
        lambda: list(
            Category.objects.filter(name__contains="quid").exclude(blog__name__contains="modi")
        ),
        # Seed 001 2-3, verbatim: the seed's own fix.
        lambda: list(
            Category.objects.prefetch_related(
                Prefetch("blog", queryset=Blog.objects.exclude(name__contains="quid"))
            ).filter(name__contains="modi")
        ),
        lambda: list(
            Category.objects.filter(
                blog__id__in=Subquery(Blog.objects.filter(name="김영희").values("id"))
            )
        ),
        lambda: list(
            Category.objects.filter(
                blog__id__in=Blog.objects.filter(name=OuterRef("name")).values("id")
            )
        ),
        lambda: list(Category.objects.filter(Exists(Post.objects.filter(category=OuterRef("pk"))))),
        lambda: list(
            Category.objects.exclude(Exists(Post.objects.filter(category=OuterRef("pk"))))
        ),
        lambda: list(
            Category.objects.exclude(
                Exists(Category.objects.filter(pk=OuterRef("pk"), post__title="x"))
            )
        ),
        lambda: list(Category.objects.filter(blog__in=[1, 2])),
        lambda: Blog.objects.filter(category__name="x").update(name="y"),
    ],
    ids=[
        "forward fk exclude",
        "seed prefetch exclude",
        "explicit Subquery",
        "OuterRef",
        "Exists",
        "exclude Exists",
        "self Exists",
        "a list",
        "update through a join",
    ],
)
def test_what_the_user_wrote_is_never_reported(written: object) -> None:
    found = findings_of(written)  # type: ignore[arg-type]
    assert [f.kind for f in found if f.kind == "unexpected_subquery"] == []


@pytest.mark.usefixtures("seeded")
def test_a_lazy_queryset_only_used_inside_in_is_not_reported() -> None:
    # linkding's Tag.objects.filter(bookmark__in=bookmarks_query): one statement,
    # planned as a whole; nothing fetches the bookmarks twice.
    with ormwatch.watch() as report:
        scenarios_shape.in_queryset_inline_quiet()
    (query,) = report.queries
    assert [s.kind for s in query.orm.subqueries] == ["in_queryset"]
    assert report.findings == []


@pytest.mark.usefixtures("seeded")
def test_a_count_and_a_page_of_the_rows_are_not_the_rows_fetched_again() -> None:
    # linkding's bookmark list: the paginator counts the bookmarks and fetches
    # one page; the tag cloud asks for the tags of all of them with __in.
    with ormwatch.watch() as report:
        blogs = Blog.objects.filter(name__startswith="김").order_by("pk")
        assert blogs.count() >= 0
        list(blogs[:2])
        list(Category.objects.filter(blog__in=blogs))
    assert [q.orm.method for q in report.queries] == ["count", "iterate", "iterate"]
    assert report.findings == []
