"""unused_eager_load: select_related / prefetch_related objects that nothing read."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db.models import Prefetch, QuerySet
from django.template import engines
from django.test import Client

import ormwatch
from tests import scenarios_shape
from tests.scenarios_shape import Case, cases
from tests.shape_support import findings_of, found_on_bad_code, nothing_on_fixed_code
from tests.testapp.models import (
    Comment,
    LOrder,
    LOwner,
    LShop,
    Person,
    Pizza,
    Post,
    Profile,
    Topping,
)

pytestmark = pytest.mark.django_db
CASES = cases("unused_eager_load")


@pytest.fixture
def seeded(db: None) -> None:
    scenarios_shape.seed()


@pytest.mark.usefixtures("seeded")
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_code_is_found_with_the_rewrite(case: Case) -> None:
    found_on_bad_code(case)


@pytest.mark.usefixtures("seeded")
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_fixed_code_reports_nothing(case: Case) -> None:
    nothing_on_fixed_code(case)


@pytest.mark.usefixtures("seeded")
def test_an_unused_prefetch_counts_its_query_as_saved() -> None:
    (finding,) = findings_of(scenarios_shape.unused_prefetch_bad)
    assert [q.orm.kind for q in finding.queries] == ["query", "prefetch"]
    assert finding.saved_queries == 1
    assert finding.sql_fragment == finding.queries[1].sql


@pytest.mark.usefixtures("seeded")
def test_reading_in_a_template_counts_as_used() -> None:
    template = engines["django"].from_string(
        "{% for post in posts %}{{ post.category.name }} {% endfor %}"
    )

    def render() -> None:
        template.render({"posts": Post.objects.select_related("category")})

    assert findings_of(render) == []


@pytest.mark.usefixtures("seeded")
@pytest.mark.parametrize(
    "written",
    [
        lambda: list(Post.objects.select_related("category").filter(title="no such post")),
        lambda: list(Pizza.objects.prefetch_related("toppings").filter(name="no such pizza")),
        lambda: [
            p.name
            for p in Pizza.objects.prefetch_related(
                Prefetch("toppings", Topping.objects.all(), to_attr="all_toppings")
            )
        ],
        lambda: Post.objects.select_related("category").count(),
        lambda: [p.profile.bio for p in Person.objects.select_related("profile")],
        lambda: [c.content_object for c in Comment.objects.prefetch_related("content_object")],
        lambda: (
            [str(p.person_id) for p in Profile.objects.select_related("person")][:0]
            or [p.person.name for p in Profile.objects.select_related("person")]
        ),
    ],
    ids=[
        "no rows",
        "no rows to prefetch for",
        "to_attr",
        "count",
        "reverse one-to-one read",
        "generic foreign key read",
        "read in a second loop",
    ],
)
def test_what_cannot_be_proven_unused_is_not_reported(written: object) -> None:
    found = findings_of(written)  # type: ignore[arg-type]
    assert [f.message for f in found if f.kind == "unused_eager_load"] == []


@pytest.mark.usefixtures("seeded")
def test_a_read_after_the_block_is_not_seen() -> None:
    # The documented limit: reads are watched only while recording.
    with ormwatch.watch() as report:
        posts = list(Post.objects.select_related("category"))
    assert [f.kind for f in report.findings] == ["unused_eager_load"]
    assert posts[0].category.name


@pytest.mark.usefixtures("seeded")
def test_the_relation_use_is_recorded_on_eager_statements_only() -> None:
    with ormwatch.watch() as report:
        for post in Post.objects.select_related("category"):
            _ = post.category.name
        list(Post.objects.all())
    eager, plain = report.queries
    assert eager.orm.relation_use is not None
    assert eager.orm.relation_use["testapp.Post.category"] == 3  # filled and read
    assert plain.orm.relation_use is None
    assert eager.to_dict()["orm"]["relation_use"] == {"testapp.Post.category": 3}


@pytest.mark.usefixtures("seeded")
def test_an_unused_prefetch_object_is_removed_from_the_call() -> None:
    def bad() -> None:
        spicy = Topping.objects.filter(spicy=True)
        for pizza in Pizza.objects.prefetch_related(Prefetch("toppings", spicy), "restaurants"):
            _ = [r.name for r in pizza.restaurants.all()]

    (finding,) = findings_of(bad)
    assert finding.details["lookup"] == "toppings"
    assert finding.fix == 'for pizza in Pizza.objects.prefetch_related("restaurants"):'


# Paths that simply had nothing to read (a real project's own fix was reverted
# by following the advice, and the N+1 came back).


@pytest.fixture
def orders(db: None) -> list[LOrder]:
    owner = LOwner.objects.create(name="owner")
    shops = [LShop.objects.create(name=f"shop {n}", owner=owner) for n in range(2)]
    return [LOrder.objects.create(number=n, shop=shops[n % 2]) for n in range(4)]


def unused(report: ormwatch.Report) -> list[ormwatch.Finding]:
    return [f for f in report.findings if f.kind == "unused_eager_load"]


def test_the_404_branch_of_a_view_is_not_reported(orders: list[LOrder]) -> None:
    with ormwatch.watch() as report:
        assert Client().get("/order-shops/", {"number": "404"}).status_code == 404
    assert report.queries[0].orm.select_related == ("shop",)
    assert unused(report) == []


def test_the_404_branch_is_not_reported_by_the_middleware(
    orders: list[LOrder], settings: object, caplog: pytest.LogCaptureFixture
) -> None:
    # The middleware analyses before Django closes the response: it says the status.
    settings.MIDDLEWARE = ["ormwatch.middleware.OrmWatchMiddleware"]  # type: ignore[attr-defined]
    settings.ORMWATCH = {"ENABLED": True}  # type: ignore[attr-defined]
    with caplog.at_level("INFO", logger="ormwatch"):
        assert Client().get("/order-shops/", {"number": "404"}).status_code == 404
        assert Client().get("/cbv/order-numbers/").status_code == 200
    logged = [
        (r.ormwatch["request"], r.ormwatch["kind"])  # type: ignore[attr-defined]
        for r in caplog.records
        if r.name == "ormwatch" and "kind" in getattr(r, "ormwatch", {})
    ]
    assert logged == [("GET /cbv/order-numbers/", "unused_eager_load")]


def test_one_parent_object_is_not_reported(orders: list[LOrder]) -> None:
    def detail() -> None:
        order = LOrder.objects.select_related("shop").get(pk=orders[0].pk)
        _ = order.number
        pizza = Pizza.objects.prefetch_related("toppings").filter(name="one").first()
        _ = pizza

    Pizza.objects.create(name="one").toppings.add(Topping.objects.create(name="ham"))
    assert [q.orm.kind for q in ormwatch_queries(detail)] == ["query", "query", "prefetch"]
    assert findings_of(detail) == []


def ormwatch_queries(func: Callable[[], None]) -> list[ormwatch.Query]:
    with ormwatch.watch() as report:
        func()
    return report.queries


def test_a_read_before_the_request_does_not_count_for_it(orders: list[LOrder]) -> None:
    # As in a test's setUp(): the relation was read, but not by the page.
    with ormwatch.watch() as report:
        assert [o.shop.name for o in LOrder.objects.select_related("shop")]
        assert Client().get("/cbv/order-numbers/").status_code == 200
    (finding,) = unused(report)
    assert finding.call_site is not None
    assert finding.call_site.code.startswith("class OrderNumbers(ListView):")


def test_a_read_in_another_request_does_not_count_for_this_one(orders: list[LOrder]) -> None:
    with ormwatch.watch() as report:
        assert Client().get("/order-shops/", {"number": "1"}).status_code == 200  # reads
        assert Client().get("/cbv/order-numbers/").status_code == 200  # does not
    (finding,) = unused(report)
    assert finding.queries[0].sql == report.queries[-1].sql
    assert finding.relation is not None
    assert str(finding.relation) == "testapp.LOrder.shop"


def with_shop(queryset: QuerySet[LOrder]) -> QuerySet[LOrder]:
    return queryset.select_related("shop")


def test_no_fix_that_leaves_the_line_as_it_is(orders: list[LOrder]) -> None:
    def helper_adds_it() -> None:
        for order in with_shop(LOrder.objects.order_by("pk")):
            _ = order.number

    assert findings_of(helper_adds_it) == []
