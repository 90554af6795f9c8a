"""Bad and fixed code for each finding, marked with the lines a finding must name.

``# call`` marks the line that triggers the repeated queries; ``# origin``
marks the line where the queryset should change. Tests read the markers, so
the expected lines move with the code.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch

from tests.testapp.models import (
    Blog,
    Book,
    Category,
    Comment,
    Entry,
    Member,
    Person,
    Pizza,
    Post,
    Profile,
    Restaurant,
    Topping,
)


def fk_bad() -> None:
    for post in Post.objects.all():  # origin
        _ = post.category.name  # call


def fk_fixed() -> None:
    for post in Post.objects.select_related("category"):
        _ = post.category.name


def o2o_forward_bad() -> None:
    for profile in Profile.objects.all():  # origin
        _ = profile.person.name  # call


def o2o_forward_fixed() -> None:
    for profile in Profile.objects.select_related("person"):
        _ = profile.person.name


def o2o_reverse_bad() -> None:
    for person in Person.objects.all():  # origin
        _ = person.profile.bio  # call


def o2o_reverse_fixed() -> None:
    for person in Person.objects.select_related("profile"):
        _ = person.profile.bio


def reverse_fk_bad() -> None:
    for category in Category.objects.all():  # origin
        _ = [p.title for p in category.post.all()]  # call


def reverse_fk_fixed() -> None:
    for category in Category.objects.prefetch_related("post"):
        _ = [p.title for p in category.post.all()]


def m2m_bad() -> None:
    for pizza in Pizza.objects.all():  # origin
        _ = [t.name for t in pizza.toppings.all()]  # call


def m2m_fixed() -> None:
    for pizza in Pizza.objects.prefetch_related("toppings"):
        _ = [t.name for t in pizza.toppings.all()]


def m2m_through_bad() -> None:
    for member in Member.objects.all():  # origin
        _ = [m.username for m in member.banning.all()]  # call


def m2m_through_fixed() -> None:
    for member in Member.objects.prefetch_related("banning"):
        _ = [m.username for m in member.banning.all()]


def generic_fk_bad() -> None:
    for comment in Comment.objects.all():  # origin
        _ = comment.content_object  # call


def generic_fk_fixed() -> None:
    for comment in Comment.objects.prefetch_related("content_object"):
        _ = comment.content_object


def generic_relation_bad() -> None:
    for post in Post.objects.all():  # origin
        _ = [c.text for c in post.comments.all()]  # call


def generic_relation_fixed() -> None:
    for post in Post.objects.prefetch_related("comments"):
        _ = [c.text for c in post.comments.all()]


def deferred_bad() -> None:
    for entry in Entry.objects.only("headline"):  # origin
        _ = entry.body  # call


def deferred_fixed() -> None:
    for entry in Entry.objects.only("headline", "body"):
        _ = entry.body


def nested_bad() -> None:
    for post in Post.objects.all():  # origin
        _ = post.category.blog.name  # call


def nested_fixed() -> None:
    for post in Post.objects.select_related("category__blog"):
        _ = post.category.blog.name


def fk_then_m2m_bad() -> None:
    for restaurant in Restaurant.objects.all():  # origin
        _ = [t.name for t in restaurant.best_pizza.toppings.all()]  # call


def fk_then_m2m_fixed() -> None:
    restaurants = Restaurant.objects.select_related("best_pizza").prefetch_related(
        "best_pizza__toppings"
    )
    for restaurant in restaurants:
        _ = [t.name for t in restaurant.best_pizza.toppings.all()]


def prefetch_filter_bad() -> None:
    for pizza in Pizza.objects.prefetch_related("toppings"):
        _ = list(pizza.toppings.filter(spicy=True))  # call origin


def prefetch_filter_fixed() -> None:
    for pizza in Pizza.objects.prefetch_related("toppings"):
        _ = [t for t in pizza.toppings.all() if t.spicy]


def save_loop_bad() -> None:
    for blog in Blog.objects.all():
        blog.name = blog.name.upper()
        blog.save()  # call origin


def save_loop_fixed() -> None:
    blogs = list(Blog.objects.all())
    for blog in blogs:
        blog.name = blog.name.upper()
    Blog.objects.bulk_update(blogs, ["name"])


def create_loop_bad() -> None:
    for name in ("하수진", "김영희", "이승민"):
        Blog.objects.create(name=name)  # call origin


def create_loop_fixed() -> None:
    Blog.objects.bulk_create(Blog(name=name) for name in ("하수진", "김영희", "이승민"))


def duplicate_bad() -> None:
    _ = list(Blog.objects.filter(name__contains="김"))  # call origin
    _ = list(Blog.objects.filter(name__contains="김"))


def duplicate_fixed() -> None:
    blogs = list(Blog.objects.filter(name__contains="김"))
    _ = list(blogs)


# (name, bad, fixed, kind, relation, text the fix must contain)
CASES: list[tuple[str, Callable[[], None], Callable[[], None], str, str | None, str]] = [
    ("fk", fk_bad, fk_fixed, "n_plus_one", "testapp.Post.category", 'select_related("category")'),
    (
        "o2o forward",
        o2o_forward_bad,
        o2o_forward_fixed,
        "n_plus_one",
        "testapp.Profile.person",
        'select_related("person")',
    ),
    (
        "o2o reverse",
        o2o_reverse_bad,
        o2o_reverse_fixed,
        "n_plus_one",
        "testapp.Person.profile",
        'select_related("profile")',
    ),
    (
        "reverse fk",
        reverse_fk_bad,
        reverse_fk_fixed,
        "n_plus_one",
        "testapp.Category.post",
        'prefetch_related("post")',
    ),
    (
        "m2m",
        m2m_bad,
        m2m_fixed,
        "n_plus_one",
        "testapp.Pizza.toppings",
        'prefetch_related("toppings")',
    ),
    (
        "m2m through",
        m2m_through_bad,
        m2m_through_fixed,
        "n_plus_one",
        "testapp.Member.banning",
        'prefetch_related("banning")',
    ),
    (
        "generic fk",
        generic_fk_bad,
        generic_fk_fixed,
        "n_plus_one",
        "testapp.Comment.content_object",
        'prefetch_related("content_object")',
    ),
    (
        "generic relation",
        generic_relation_bad,
        generic_relation_fixed,
        "n_plus_one",
        "testapp.Post.comments",
        'prefetch_related("comments")',
    ),
    (
        "deferred",
        deferred_bad,
        deferred_fixed,
        "n_plus_one",
        "testapp.Entry.body",
        'only("headline", "body")',
    ),
    (
        "nested",
        nested_bad,
        nested_fixed,
        "n_plus_one",
        "testapp.Post.category",
        'select_related("category__blog")',
    ),
    (
        "fk then m2m",
        fk_then_m2m_bad,
        fk_then_m2m_fixed,
        "n_plus_one",
        "testapp.Restaurant.best_pizza",
        'select_related("best_pizza").prefetch_related("best_pizza__toppings")',
    ),
    (
        "prefetch filter",
        prefetch_filter_bad,
        prefetch_filter_fixed,
        "prefetch_bypassed",
        "testapp.Pizza.toppings",
        "_ = list([topping for topping in pizza.toppings.all() if topping.spicy])",
    ),
    (
        "save loop",
        save_loop_bad,
        save_loop_fixed,
        "repeated_write",
        None,
        'Blog.objects.bulk_update(objs, ["name"])',
    ),
    (
        "create loop",
        create_loop_bad,
        create_loop_fixed,
        "repeated_write",
        None,
        "Blog.objects.bulk_create(",
    ),
    (
        "duplicate",
        duplicate_bad,
        duplicate_fixed,
        "duplicate_query",
        None,
        'blog_rows = list(Blog.objects.filter(name__contains="김"))\n_ = list(blog_rows)',
    ),
]


def seed() -> None:
    """Enough rows for every scenario: at least two instances behind each relation."""
    toppings = [Topping.objects.create(name=n, spicy=n == "pepper") for n in ("ham", "pepper")]
    pizzas = []
    for name in ("Hawaiian", "Seafood"):
        pizza = Pizza.objects.create(name=name)
        pizza.toppings.set(toppings)
        pizzas.append(pizza)
    for i, pizza in enumerate(pizzas):
        Restaurant.objects.create(name=f"r{i}", best_pizza=pizza).pizzas.set(pizzas)
    post_type = ContentType.objects.get_for_model(Post)
    for b, name in enumerate(("김영희", "하수진")):
        blog = Blog.objects.create(name=name)
        category = Category.objects.create(name=f"modi {b}", blog=blog)
        for p in range(2):
            post = Post.objects.create(
                title=f"quid {b}{p}",
                writer="이예지",
                ip_address=f"10.0.0.{b}{p}",
                category=category,
            )
            Comment.objects.create(content_type=post_type, object_id=post.pk, text="좋아요")
    members = [Member.objects.create(username=f"u{i}") for i in range(3)]
    members[0].banning.add(members[1])
    members[1].banning.add(members[2])
    members[2].banning.add(members[0])
    for i in range(2):
        person = Person.objects.create(name=f"p{i}")
        Profile.objects.create(person=person, bio="bio")
        Book.objects.create(title=f"b{i}", author=person)
        Entry.objects.create(headline=f"h{i}", body="x" * 500, rating=i)


CLEAN: list[Callable[[], None]] = []


def clean(func: Callable[[], None]) -> Callable[[], None]:
    CLEAN.append(func)
    return func


@clean
def single_object_relation_read_once() -> None:
    post = Post.objects.get(title="quid 00")
    _ = post.category.name
    _ = post.category.name  # cached: no second query


@clean
def loop_over_one_object() -> None:
    for post in Post.objects.filter(title="quid 00"):
        _ = post.category.name


@clean
def prefetch_with_to_attr() -> None:
    spicy = Topping.objects.filter(spicy=True)
    for pizza in Pizza.objects.prefetch_related(Prefetch("toppings", spicy, to_attr="hot")):
        _ = [t.name for t in pizza.hot]  # type: ignore[attr-defined]


@clean
def select_related_nested_chain() -> None:
    for book in Book.objects.select_related("author__hometown"):
        _ = book.author.hometown


@clean
def prefetch_nested() -> None:
    for restaurant in Restaurant.objects.prefetch_related("pizzas__toppings"):
        _ = [t.name for p in restaurant.pizzas.all() for t in p.toppings.all()]


@clean
def iterator_with_prefetch() -> None:
    for pizza in Pizza.objects.prefetch_related("toppings").iterator(chunk_size=10):
        _ = [t.name for t in pizza.toppings.all()]


@clean
def filtering_a_prefetch_in_python() -> None:
    for pizza in Pizza.objects.prefetch_related("toppings"):
        _ = [t for t in pizza.toppings.all() if t.spicy]


@clean
def bulk_create_once() -> None:
    Topping.objects.bulk_create(Topping(name=f"t{i}") for i in range(5))


@clean
def queryset_update_once() -> None:
    Blog.objects.filter(name__startswith="하").update(name="하")


@clean
def values_list_without_relations() -> None:
    _ = list(Post.objects.values_list("title", "category__name"))


@clean
def get_or_create_once() -> None:
    Blog.objects.get_or_create(name="새 블로그")


@clean
def count_and_exists() -> None:
    _ = Post.objects.count()
    _ = Post.objects.filter(writer="이예지").exists()


@clean
def nullable_fk_select_related() -> None:
    for person in Person.objects.select_related("hometown"):
        _ = person.hometown


@clean
def atomic_with_savepoints() -> None:
    from django.db import transaction

    with transaction.atomic(), transaction.atomic():  # the inner one is a savepoint
        Blog.objects.create(name="in a savepoint")
