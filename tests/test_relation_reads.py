"""The one place ormwatch patches Django: relation descriptors and select_related's populator.

The patch must be invisible: installed once, the same values and errors with
or without a recording, and notes taken only for the user's reads.
"""

from __future__ import annotations

import pytest
from django.contrib.contenttypes import fields as generic
from django.contrib.contenttypes.fields import GenericForeignKey
from django.db.models.fields import related_descriptors as rd
from django.db.models.query import RelatedPopulator

import ormwatch
from ormwatch import _reads
from tests.testapp.models import Comment, Person, Pizza, Post, Restaurant

pytestmark = pytest.mark.django_db

PATCHED = [
    (rd.ForwardManyToOneDescriptor, "__get__"),
    (rd.ReverseOneToOneDescriptor, "__get__"),
    (rd.ReverseManyToOneDescriptor, "__get__"),
    (RelatedPopulator, "populate"),
]


def test_installing_twice_wraps_once() -> None:
    assert _reads.install()
    before = {(owner, name): vars(owner)[name] for owner, name in PATCHED}
    _reads._state = None  # as if a second app loaded it again
    assert _reads.install()
    for owner, name in PATCHED:
        wrapper = vars(owner)[name]
        assert wrapper is before[(owner, name)]
        assert getattr(wrapper, "_ormwatch", False)
        assert not getattr(wrapper.__wrapped__, "_ormwatch", False)


def test_a_generic_foreign_key_read_is_noted_on_this_djangos_descriptor(
    blog_data: list[Post],
) -> None:
    with ormwatch.watch() as report:
        comments = list(Comment.objects.prefetch_related("content_object"))
        _ = comments[0].content_object
    use = report.queries[0].orm.relation_use
    assert use is not None
    assert use["testapp.Comment.content_object"] & _reads.READ
    # GenericForeignKey itself on 5.2 and 6.0, GenericForeignKeyDescriptor on 6.1.
    owner = _reads._descriptor_owners()[-1]
    assert getattr(vars(owner)["__get__"], "_ormwatch", False)
    assert owner in (GenericForeignKey, getattr(generic, "GenericForeignKeyDescriptor", None))


def test_values_and_errors_are_the_same_with_or_without_a_recording(
    blog_data: list[Post], people_data: list[object]
) -> None:
    _reads.install()
    lonely = Person.objects.create(name="no profile")
    post = Post.objects.get(pk=blog_data[0].pk)
    outside = post.category
    with pytest.raises(Person.profile.RelatedObjectDoesNotExist):
        lonely.profile  # noqa: B018
    with ormwatch.watch():
        inside = Post.objects.get(pk=blog_data[0].pk).category
        with pytest.raises(Person.profile.RelatedObjectDoesNotExist):
            Person.objects.get(pk=lonely.pk).profile  # noqa: B018
        assert Post.category is vars(Post)["category"]  # class access: the descriptor itself
    assert inside == outside


def test_reads_are_noted_per_relation_on_every_active_recording(blog_data: list[Post]) -> None:
    with ormwatch.watch() as outer:
        with ormwatch.watch() as inner:
            posts = list(Post.objects.select_related("category"))
            _ = posts[0].category
        _ = [c.post.all() for c in [posts[0].category]]
    use_inner = inner.queries[0].orm.relation_use
    assert use_inner is not None
    # Statements share one context; its map is the outermost recording's.
    assert use_inner == outer.queries[0].orm.relation_use
    assert use_inner["testapp.Post.category"] == _reads.LOADED | _reads.READ
    assert use_inner["testapp.Category.post"] == _reads.READ


def test_djangos_own_reads_are_not_the_users(pizza_data: list[Restaurant]) -> None:
    with ormwatch.watch() as report:
        restaurants = list(Restaurant.objects.prefetch_related("pizzas__toppings"))
        restaurants[0].best_pizza_id = restaurants[0].best_pizza_id
        restaurants[0].save()
    use = report.queries[0].orm.relation_use
    assert use is not None
    # Walking the prefetch levels read restaurant.pizzas; that was Django.
    assert not use.get("testapp.Restaurant.pizzas", 0) & _reads.READ
    assert not use.get("testapp.Pizza.toppings", 0) & _reads.READ


def test_the_map_is_bounded(blog_data: list[Post], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_reads, "MAX_KEYS", 1)
    with ormwatch.watch() as report:
        for post in Post.objects.select_related("category__blog"):
            _ = post.category.blog
    use = report.queries[0].orm.relation_use
    assert use is not None
    assert len(use) == 1


def test_a_failing_note_never_reaches_the_user(
    pizza_data: list[Restaurant], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> str:
        raise RuntimeError("ormwatch bug")

    monkeypatch.setattr(_reads, "_name", broken)
    monkeypatch.setattr(_reads, "_keys", {})
    with ormwatch.watch():
        pizzas = list(Pizza.objects.prefetch_related("toppings"))
        assert [t.name for t in pizzas[0].toppings.all()] == ["ham", "pepper"]
