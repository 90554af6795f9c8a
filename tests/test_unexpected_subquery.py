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
def test_the_in_queryset_fix_rewrites_the_line_that_builds_the_inner_queryset() -> None:
    with ormwatch.watch() as report:
        scenarios_shape.in_queryset_bad()
    (finding,) = report.findings
    assert finding.fix is not None
    first = finding.fix.splitlines()[0]
    assert first.startswith(
        'blog_queryset = list(Blog.objects.filter(id="1").values_list("id", flat=True))'
    )
    # The join alternative names the relation and the inner filter's own value.
    assert 'Category.objects.filter(blog__id="1")' in finding.fix


@pytest.mark.usefixtures("seeded")
def test_two_excludes_in_one_call_are_two_findings() -> None:
    def bad() -> None:
        _ = list(Category.objects.exclude(post__title="x", post__writer="y"))

    found = findings_of(bad)
    assert sorted(f.details["subquery"]["lookup"] for f in found) == [
        "post__title",
        "post__writer",
    ]
    # Two conditions in one exclude() mean NOT (a AND b): no one-call rewrite.
    assert all("exclude(" not in (f.fix or "").splitlines()[0] for f in found)


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
