"""Each kind of ORM activity is recorded with the right context and call site."""

from __future__ import annotations

import django
import pytest

import ormwatch
from tests.conftest import lineno
from tests.testapp.models import Book, Entry, Member, Person, Pizza, Post, Restaurant

pytestmark = pytest.mark.django_db


def only(report: ormwatch.Report, kind: str) -> list[ormwatch.Query]:
    return [q for q in report.queries if q.orm.kind == kind]


def assert_here(query: ormwatch.Query, line: int) -> None:
    assert query.call_site is not None
    assert query.call_site.path == __file__
    assert query.call_site.line == line
    assert query.call_site.kind == "python"


def test_evaluating_a_queryset_records_the_method_and_model(blog_data: list[Post]) -> None:
    with ormwatch.watch() as report:
        line = lineno(1)
        posts = list(Post.objects.filter(writer="이예지"))
    assert len(posts) == 8
    (query,) = report.queries
    assert query.orm.kind == "query"
    assert query.orm.method == "iterate"
    assert query.orm.model == "testapp.Post"
    assert_here(query, line)
    assert query.call_site is not None
    assert query.call_site.code == 'posts = list(Post.objects.filter(writer="이예지"))'
    assert query.call_site.function.endswith(
        "test_evaluating_a_queryset_records_the_method_and_model"
    )


@pytest.mark.parametrize(
    ("call", "method"),
    [
        (lambda qs: len(qs), "len"),
        (lambda qs: bool(qs), "bool"),
        (lambda qs: qs.count(), "count"),
        (lambda qs: qs.exists(), "exists"),
        (lambda qs: qs.first(), "first"),
        (lambda qs: qs.get(title="quid 000"), "get"),
    ],
)
def test_the_evaluating_method_is_the_users_call(
    blog_data: list[Post], call: object, method: str
) -> None:
    with ormwatch.watch() as report:
        call(Post.objects.all())  # type: ignore[operator]
    (query,) = report.queries
    assert query.orm.method == method


def test_lazy_forward_fk_load(blog_data: list[Post]) -> None:
    post = Post.objects.get(pk=blog_data[0].pk)
    with ormwatch.watch() as report:
        line = lineno(1)
        category = post.category
    assert category.pk == blog_data[0].category_id
    (query,) = report.queries
    assert query.orm.kind == "lazy_load"
    relation = query.orm.relation
    assert relation == ormwatch.Relation(
        "testapp.Post", "category", "forward_fk", "testapp.Category"
    )
    assert query.orm.instance_pk == post.pk
    assert query.orm.model == "testapp.Category"
    assert_here(query, line)


def test_lazy_forward_and_reverse_one_to_one_loads(people_data: list[Book]) -> None:
    person = Person.objects.get(pk=people_data[0].author_id)
    with ormwatch.watch() as report:
        profile = person.profile
        assert profile.person.pk == person.pk  # cached by the reverse load: no query
    (query,) = report.queries
    assert query.orm.kind == "lazy_load"
    assert query.orm.relation is not None
    assert query.orm.relation.kind == "reverse_o2o"
    assert str(query.orm.relation) == "testapp.Person.profile"

    profile = type(profile).objects.get(pk=profile.pk)
    with ormwatch.watch() as report:
        assert profile.person.pk == person.pk
    (query,) = report.queries
    assert query.orm.relation == ormwatch.Relation(
        "testapp.Profile", "person", "forward_o2o", "testapp.Person"
    )


def test_reverse_fk_load_through_the_related_manager(blog_data: list[Post]) -> None:
    category = blog_data[0].category
    with ormwatch.watch() as report:
        line = lineno(1)
        titles = [p.title for p in category.post.all()]
    assert len(titles) == 2
    (query,) = report.queries
    assert query.orm.kind == "related_manager"
    assert query.orm.relation == ormwatch.Relation(
        "testapp.Category", "post", "reverse_fk", "testapp.Post"
    )
    assert query.orm.instance_pk == category.pk
    assert query.orm.prefetched is False
    assert_here(query, line)


@pytest.mark.usefixtures("pizza_data")
def test_m2m_loads_in_both_directions() -> None:
    pizza = Pizza.objects.get(name="Hawaiian")
    with ormwatch.watch() as report:
        assert len(list(pizza.toppings.all())) == 2
        assert len(list(pizza.restaurants.all())) == 3
    forward, reverse = report.queries
    assert forward.orm.kind == "related_manager"
    assert forward.orm.relation == ormwatch.Relation(
        "testapp.Pizza", "toppings", "m2m", "testapp.Topping"
    )
    assert reverse.orm.relation == ormwatch.Relation(
        "testapp.Pizza", "restaurants", "reverse_m2m", "testapp.Restaurant"
    )


def test_self_m2m_with_explicit_through_tells_the_two_sides_apart(
    member_data: list[Member],
) -> None:
    with ormwatch.watch() as report:
        assert [m.username for m in member_data[0].banning.all()] == ["u1"]
        assert [m.username for m in member_data[0].banned.all()] == ["u2"]
    banning, banned = report.queries
    assert banning.orm.relation is not None
    assert banned.orm.relation is not None
    assert (banning.orm.relation.field, banning.orm.relation.kind) == ("banning", "m2m")
    assert (banned.orm.relation.field, banned.orm.relation.kind) == ("banned", "reverse_m2m")


def test_generic_relation_and_generic_fk(blog_data: list[Post]) -> None:
    post = Post.objects.get(pk=blog_data[0].pk)
    with ormwatch.watch() as report:
        comment = post.comments.get()
    assert report.queries[0].orm.relation == ormwatch.Relation(
        "testapp.Post", "comments", "generic_relation", "testapp.Comment"
    )
    comment = type(comment).objects.get(pk=comment.pk)
    with ormwatch.watch() as report:
        assert comment.content_object == post
    lazy = [q for q in report.queries if q.orm.kind == "lazy_load"]
    assert lazy, [q.orm for q in report.queries]
    assert lazy[-1].orm.relation is not None
    assert (lazy[-1].orm.relation.field, lazy[-1].orm.relation.kind) == (
        "content_object",
        "generic_fk",
    )


def test_deferred_field_load(entry_data: list[Entry]) -> None:
    entry = Entry.objects.only("headline").get(pk=entry_data[0].pk)
    with ormwatch.watch() as report:
        line = lineno(1)
        body = entry.body
    assert body == "x" * 1000
    (query,) = report.queries
    assert query.orm.kind == "deferred_load"
    assert query.orm.relation == ormwatch.Relation("testapp.Entry", "body", "deferred")
    assert query.orm.instance_pk == entry.pk
    assert_here(query, line)


def test_prefetch_queries_name_their_lookup(pizza_data: list[Restaurant]) -> None:
    with ormwatch.watch() as report:
        line = lineno(1)
        restaurants = list(Restaurant.objects.prefetch_related("pizzas__toppings"))
    assert len(restaurants) == 3
    main, pizzas, toppings = report.queries
    assert main.orm.kind == "query"
    assert main.orm.prefetch_related == ("pizzas__toppings",)
    assert (pizzas.orm.kind, pizzas.orm.prefetch_lookup) == ("prefetch", "pizzas")
    assert (toppings.orm.kind, toppings.orm.prefetch_lookup) == ("prefetch", "pizzas__toppings")
    assert pizzas.orm.relation == ormwatch.Relation(
        "testapp.Restaurant", "pizzas", "m2m", "testapp.Pizza"
    )
    for query in report.queries:
        assert_here(query, line)


def test_a_manager_query_on_a_prefetched_relation_says_so(pizza_data: list[Restaurant]) -> None:
    pizzas = list(Pizza.objects.prefetch_related("toppings"))
    with ormwatch.watch() as report:
        spicy = [list(p.toppings.filter(spicy=True)) for p in pizzas]
        cached = [list(p.toppings.all()) for p in pizzas]
    assert [len(s) for s in spicy] == [1, 1, 1]
    assert [len(c) for c in cached] == [2, 2, 2]
    assert len(report.queries) == 3  # .all() was served from the prefetch cache
    assert all(q.orm.kind == "related_manager" and q.orm.prefetched for q in report.queries)


def test_select_related_and_values_are_recorded(blog_data: list[Post]) -> None:
    with ormwatch.watch() as report:
        list(Post.objects.select_related("category__blog"))
        list(Post.objects.select_related("category").values("title"))
    joined, values = report.queries
    assert joined.orm.select_related == ("category", "category__blog")
    assert [(j.path, j.uses, j.multi_valued) for j in joined.orm.joined] == [
        ("category", ("select", "select_related"), False),
        ("category__blog", ("select", "select_related"), False),
    ]
    assert values.orm.values is True
    # values() clears select_related on the query itself (Django 5.2+).
    assert values.orm.select_related == ()
    assert values.orm.joined == ()


def test_joins_from_filters_are_marked_and_multi_valued_ones_flagged(
    blog_data: list[Post],
) -> None:
    from tests.testapp.models import Category

    with ormwatch.watch() as report:
        list(Category.objects.filter(post__title__contains="quid"))
        list(Post.objects.filter(category__blog__name="김영희"))
    reverse, forward = report.queries
    (join,) = reverse.orm.joined
    assert (join.path, join.multi_valued, join.uses, join.conditions) == (
        "post",
        True,
        ("where",),
        ("title__contains",),
    )
    assert [(j.path, j.multi_valued, j.uses) for j in forward.orm.joined] == [
        ("category", False, ()),
        ("category__blog", False, ("where",)),
    ]


@pytest.mark.parametrize(
    ("action", "write"),
    [
        (lambda p: p.save(), "save"),
        (lambda p: Post.objects.filter(pk=p.pk).update(title="x"), "update"),
        (
            lambda p: Post.objects.create(
                title="n", writer="w", ip_address="::1", category_id=p.category_id
            ),
            "create",
        ),
        (lambda p: p.delete(), "delete"),
    ],
)
def test_writes_record_the_users_write_call(
    blog_data: list[Post], action: object, write: str
) -> None:
    post = blog_data[0]
    with ormwatch.watch() as report:
        action(post)  # type: ignore[operator]
    writes = [q for q in report.queries if q.orm.kind == "write"]
    assert writes
    assert {q.orm.write for q in writes} == {write}


@pytest.mark.skipif(django.VERSION < (6, 1), reason="fetch modes arrived in Django 6.1")
def test_fetch_peers_loads_are_marked_batched(blog_data: list[Post]) -> None:
    from django.db.models import FETCH_PEERS

    with ormwatch.watch() as report:
        posts = list(Post.objects.fetch_mode(FETCH_PEERS).order_by("pk"))
        names = [p.category.name for p in posts]
    assert len(names) == 8
    main, batch = report.queries
    assert main.orm.kind == "query"
    assert batch.orm.kind == "lazy_load"
    assert batch.orm.batched is True
    assert str(batch.orm.relation) == "testapp.Post.category"
