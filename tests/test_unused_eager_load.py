"""unused_eager_load: select_related / prefetch_related objects that nothing read."""

from __future__ import annotations

import pytest
from django.db.models import Prefetch
from django.template import engines

import ormwatch
from tests import scenarios_shape
from tests.scenarios_shape import Case, cases
from tests.shape_support import findings_of, found_on_bad_code, nothing_on_fixed_code
from tests.testapp.models import Comment, Person, Pizza, Post, Profile, Topping

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
