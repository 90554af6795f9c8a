"""Compositions the user wrote are never unexpected (issue 15, item 4).

``union()`` / ``intersection()`` / ``difference()``, ``Subquery``, ``Exists``,
``OuterRef``, ``RawSQL`` and ``extra()`` are SQL the user asked for, often on
purpose ("much faster than a JOIN"): no ``unexpected_subquery`` and no
``unexpected_join``. The subqueries and joins Django writes on its own (a lazy
``__in``, an ``exclude()`` across a multi-valued relation) still are.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db.models import Exists, OuterRef, Subquery
from django.db.models.expressions import RawSQL

from tests.shape_support import findings_of
from tests.testapp.models import Blog, Category, Post

pytestmark = pytest.mark.django_db

WRITTEN: dict[str, Callable[[], object]] = {
    # The real case: two querysets united on purpose, given to __in.
    "union given to __in": lambda: list(
        Category.objects.filter(
            blog__in=Blog.objects.filter(name="김영희")
            .values("id")
            .union(Blog.objects.filter(name="하수진").values("id"))
        )
    ),
    "union of values given to __in": lambda: list(
        Post.objects.filter(
            category__in=Category.objects.filter(name="modi 00")
            .values("id")
            .union(Category.objects.filter(name="modi 11").values("id"))
        )
    ),
    "union of joined querysets": lambda: list(
        Category.objects.filter(post__title="quid 000").union(
            Category.objects.filter(blog__name="하수진")
        )
    ),
    "intersection": lambda: list(
        Category.objects.filter(post__title__startswith="quid").intersection(
            Category.objects.filter(name__startswith="modi")
        )
    ),
    "difference": lambda: list(
        Category.objects.filter(post__writer="이예지").difference(
            Category.objects.filter(name="modi 00")
        )
    ),
    "union counted": lambda: (
        Category.objects.filter(post__title="quid 000")
        .union(Category.objects.filter(blog__name="하수진"))
        .count()
    ),
    "RawSQL in the inner queryset": lambda: list(
        Category.objects.filter(
            blog__in=Blog.objects.filter(id__in=RawSQL("SELECT id FROM testapp_blog", []))
        )
    ),
    "RawSQL excluded across a reverse relation": lambda: list(
        Category.objects.exclude(
            post__in=RawSQL("SELECT id FROM testapp_post WHERE title = %s", ["quid 000"])
        )
    ),
    "RawSQL given to __in": lambda: list(
        Category.objects.filter(blog_id__in=RawSQL("SELECT id FROM testapp_blog", []))
    ),
    "extra() in the inner queryset": lambda: list(
        Category.objects.filter(blog__in=Blog.objects.extra(where=["name <> ''"]))
    ),
    "extra() with a subquery": lambda: list(
        Category.objects.extra(where=["blog_id IN (SELECT id FROM testapp_blog)"])
    ),
    "Subquery": lambda: list(
        Category.objects.filter(pk__in=Subquery(Post.objects.filter(title="x").values("category")))
    ),
    "Subquery of a union": lambda: list(
        Category.objects.filter(
            pk__in=Subquery(
                Category.objects.filter(name="a")
                .values("id")
                .union(Category.objects.filter(name="b").values("id"))
            )
        )
    ),
    "Exists": lambda: list(
        Category.objects.filter(Exists(Post.objects.filter(category=OuterRef("pk"), title="x")))
    ),
    "OuterRef": lambda: list(
        Category.objects.filter(blog__in=Blog.objects.filter(name=OuterRef("name")))
    ),
}


@pytest.mark.parametrize("name", list(WRITTEN))
def test_a_composition_the_user_wrote_is_never_unexpected(name: str, blog_data: list[Post]) -> None:
    found = findings_of(WRITTEN[name])
    assert [f.message for f in found if f.kind.startswith("unexpected_")] == []


def test_a_lazy_queryset_given_to_in_is_still_reported(blog_data: list[Post]) -> None:
    def lazy() -> None:
        list(Category.objects.filter(blog__in=Blog.objects.filter(name="김영희")))

    assert [f.kind for f in findings_of(lazy)] == ["unexpected_subquery"]


def test_an_exclude_across_a_reverse_relation_is_still_reported(blog_data: list[Post]) -> None:
    def excluded() -> None:
        list(Category.objects.exclude(post__title="quid 000"))

    assert [f.kind for f in findings_of(excluded)] == ["unexpected_subquery"]
