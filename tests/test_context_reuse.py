"""Statements repeated at one line share one OrmContext, unless it names an instance."""

from __future__ import annotations

import pytest
from django.db.models import Prefetch

import ormwatch
from tests.testapp.models import Blog, Category, Post

pytestmark = pytest.mark.django_db


@pytest.fixture
def posts() -> list[Post]:
    blog = Blog.objects.create(name="b")
    categories = [Category.objects.create(name=f"c{i}", blog=blog) for i in range(3)]
    return [
        Post.objects.create(title=f"t{i}", writer="w", ip_address="::1", category=c)
        for i, c in enumerate(categories)
    ]


def _evaluate(queryset: object) -> list[object]:
    return list(queryset)  # type: ignore[call-overload,no-any-return]  # one line, many querysets


def test_repeated_lookups_at_one_line_share_their_context(posts: list[Post]) -> None:
    with ormwatch.watch() as report:
        for post in posts:
            Post.objects.filter(pk=post.pk).exists()
    first, *rest = report.queries
    assert first.orm.method == "exists"
    assert all(q.orm is first.orm for q in rest)


def test_prefetch_lookups_the_sql_does_not_show_keep_their_own_context(
    posts: list[Post],
) -> None:
    plain = Category.objects.all()
    prefetched = Category.objects.prefetch_related("post")
    with_queryset = Category.objects.prefetch_related(
        Prefetch("post", queryset=Post.objects.order_by("title"))
    )
    with ormwatch.watch() as report:
        for queryset in (plain, prefetched, with_queryset):
            _evaluate(queryset)
    main = [q for q in report.queries if q.orm.kind == "query"]
    assert [q.orm.prefetch_related for q in main] == [(), ("post",), ("post",)]
    assert [q.orm.prefetch_querysets for q in main] == [(), (), ("post",)]


def test_contexts_that_name_an_instance_are_never_shared(posts: list[Post]) -> None:
    blog = posts[0].category.blog
    with ormwatch.watch() as report:
        for post in Post.objects.all():
            post.category  # noqa: B018 - lazy loads: one instance each
        for category in Category.objects.all():
            list(category.post.all())  # related manager: the instance hint
    lazy = [q for q in report.queries if q.orm.kind == "lazy_load"]
    managers = [q for q in report.queries if q.orm.kind == "related_manager"]
    assert len(lazy) == 3
    assert len(managers) == 3
    assert len({q.orm.instance_pk for q in lazy}) == 3
    assert len({q.orm.instance_pk for q in managers}) == 3
    assert blog.pk is not None


def test_each_recording_has_its_own_contexts(posts: list[Post]) -> None:
    reports = []
    for _ in range(2):
        with ormwatch.watch() as report:
            Post.objects.filter(pk=posts[0].pk).exists()
        reports.append(report)
    first, second = (r.queries[0].orm for r in reports)
    assert first == second
    assert first is not second
