"""unexpected_join: joins that repeat or multiply rows, and filter-only joins (seeds 000-003)."""

from __future__ import annotations

import json

import pytest
from django.db.models import Count, FilteredRelation, Q

import ormwatch
from tests import scenarios_shape
from tests.scenarios_shape import Case, cases
from tests.shape_support import findings_of, found_on_bad_code, nothing_on_fixed_code
from tests.testapp.models import Category, Member, Person, Pizza, Post, Product, Profile

pytestmark = pytest.mark.django_db
CASES = cases("unexpected_join")


@pytest.fixture
def seeded(db: None) -> None:
    scenarios_shape.seed()


@pytest.mark.usefixtures("seeded")
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_code_is_found_with_the_join_and_the_rewrite(case: Case) -> None:
    found_on_bad_code(case)


@pytest.mark.usefixtures("seeded")
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_fixed_code_reports_nothing(case: Case) -> None:
    nothing_on_fixed_code(case)


@pytest.mark.usefixtures("seeded")
@pytest.mark.parametrize(
    ("bad", "case"),
    [
        (scenarios_shape.repeat_bad, "repeat"),
        (scenarios_shape.order_by_reverse_bad, "repeat"),
        (scenarios_shape.or_self_join_bad, "or_self_join"),
        (scenarios_shape.explosion_bad, "explosion"),
        (scenarios_shape.aggregates_bad, "explosion"),
    ],
)
def test_each_shape_is_named(bad: object, case: str) -> None:
    (finding,) = findings_of(bad)  # type: ignore[arg-type]
    assert finding.details["case"] == case


@pytest.mark.usefixtures("seeded")
def test_the_or_across_two_reverse_relations_names_both_and_both_joins() -> None:
    (finding,) = findings_of(scenarios_shape.or_self_join_bad)
    assert finding.details["paths"] == ["banning", "banned"]
    assert finding.sql_fragment is not None
    assert finding.sql_fragment.count("LEFT OUTER JOIN") == 2
    assert str(finding.relation) == "testapp.Member.banning"


@pytest.mark.usefixtures("seeded")
def test_rows_really_repeat_in_the_reported_shape() -> None:
    # The finding is about real duplicates, not a style preference.
    rows = list(Category.objects.filter(name__contains="modi", post__title__contains="quid"))
    assert len(rows) > len(set(rows))


@pytest.mark.usefixtures("seeded")
def test_the_joined_relations_are_recorded_with_their_uses() -> None:
    user = Member.objects.get(username="u1")
    with ormwatch.watch() as report:
        list(Member.objects.filter(Q(banning=user) | Q(banned=user)))
    (query,) = report.queries
    joined = {(j.path, j.multi_valued, j.outer, j.uses, j.conditions) for j in query.orm.joined}
    assert joined == {
        ("banning", True, True, ("or", "where"), ("pk",)),
        ("banned", True, True, ("or", "where"), ("pk",)),
    }
    json.dumps(query.to_dict())


@pytest.mark.usefixtures("seeded")
@pytest.mark.parametrize(
    "written",
    [
        lambda: list(Category.objects.values("name", "post__title")),
        lambda: list(Category.objects.filter(post__title__contains="quid").distinct()),
        lambda: Category.objects.filter(post__title__contains="quid").exists(),
        lambda: list(Category.objects.annotate(n=Count("post"))),
        lambda: list(Post.objects.select_related("category").filter(pk__gt=0)),
        lambda: [p.category.name for p in Post.objects.select_related("category")],
        lambda: list(Post.objects.filter(category__id=1)),
        lambda: list(Category.objects.exclude(blog__name__contains="modi")),
        lambda: list(
            Pizza.objects.annotate(
                t=FilteredRelation("toppings", condition=Q(toppings__spicy=True))
            ).filter(t__name="pepper")
        ),
    ],
    ids=[
        "values of a related field",
        "distinct",
        "exists",
        "one count",
        "select_related",
        "select_related read",
        "trimmed join",
        "negated forward join",
        "FilteredRelation",
    ],
)
def test_joins_the_user_asked_for_are_not_reported(written: object) -> None:
    found = findings_of(written)  # type: ignore[arg-type]
    assert [f.message for f in found if f.kind == "unexpected_join"] == []


@pytest.mark.usefixtures("seeded")
@pytest.mark.parametrize(
    "written",
    [
        # Seed 002's filter across a forward FK: an INNER JOIN, WHERE and ON alike.
        lambda: list(Product.objects.filter(product_owned_company__name="company_name34")),
        lambda: list(Person.objects.filter(hometown__name="서울")),
        lambda: list(Post.objects.filter(category__blog__name="김영희", category__name="x")),
        lambda: list(Profile.objects.filter(person__name="x")),  # forward one-to-one
        lambda: list(Person.objects.filter(profile__bio="x")),  # reverse one-to-one
        lambda: list(Post.objects.filter(Q(category__name="x") | Q(title="y"))),
    ],
    ids=["seed 002", "nullable fk", "two hops", "forward o2o", "reverse o2o", "in an OR"],
)
def test_a_filter_across_a_single_valued_relation_yields_no_finding(written: object) -> None:
    assert findings_of(written) == []  # type: ignore[arg-type]
