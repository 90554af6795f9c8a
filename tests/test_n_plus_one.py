"""N+1 precision: what must be reported, and what a user must never see."""

from __future__ import annotations

import django
import pytest
from django.test import Client

import ormwatch
from tests import scenarios
from tests.testapp.models import Blog, Category, Member, Pizza, Post

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def seeded(db: None) -> None:
    scenarios.seed()


def test_a_template_loop_names_the_template_line_and_the_view_line() -> None:
    with ormwatch.watch() as report:
        assert Client().get("/posts/").status_code == 200
    (finding,) = report.findings
    assert finding.kind == "n_plus_one"
    assert finding.call_site is not None
    assert finding.call_site.kind == "template"
    assert finding.call_site.path.endswith("testapp/post_list.html")
    assert finding.call_site.line == 3
    assert finding.origin is not None
    assert finding.origin.path.endswith("testapp/views.py")
    assert finding.origin.code == 'posts = Post.objects.order_by("pk")'
    assert finding.fix == 'posts = Post.objects.select_related("category").order_by("pk")'
    assert finding.saved_queries == finding.query_count == 4


def test_a_load_on_a_select_related_instance_extends_the_loaders_path() -> None:
    # The categories came from the join; their blogs did not.
    with ormwatch.watch() as report:
        for post in Post.objects.select_related("category").order_by("pk"):
            _ = post.category.blog.name
    (finding,) = report.findings
    assert finding.message.startswith("N+1: 4 queries loading testapp.Post.category__blog")
    assert "one per Post" in finding.message
    assert finding.origin is not None
    assert finding.origin.code.startswith("for post in Post.objects.select_related(")
    # The line's own select_related() takes the longer path, which loads both.
    assert finding.fix == (
        'for post in Post.objects.select_related("category__blog").order_by("pk"):'
    )


def test_the_finding_counts_queries_time_and_savings() -> None:
    with ormwatch.watch() as report:
        scenarios.nested_bad()
    (finding,) = report.findings
    assert finding.query_count == 8  # 4 posts x (category + blog)
    assert finding.saved_queries == 8
    assert finding.duration_ms == pytest.approx(sum(q.duration_ms for q in finding.queries))
    assert "category__blog" in finding.message
    data = finding.to_dict()
    assert data["kind"] == "n_plus_one"
    assert len(data["queries"]) == 8


def test_a_relation_read_again_on_the_same_instance_is_not_an_n_plus_one() -> None:
    post = Post.objects.first()
    assert post is not None
    with ormwatch.watch() as report:
        for _ in range(5):
            _ = post.category.name
    assert len(report.queries) == 1
    assert report.findings == []


def test_the_same_instance_queried_twice_is_a_duplicate_not_an_n_plus_one() -> None:
    category = Category.objects.first()
    assert category is not None
    with ormwatch.watch() as report:
        for _ in range(2):
            _ = list(category.post.all())
    assert [f.kind for f in report.findings] == ["duplicate_query"]


def test_djangos_own_queries_for_one_delete_are_not_the_users_n_plus_one() -> None:
    blog = Blog.objects.first()
    assert blog is not None
    with ormwatch.watch() as report:
        blog.delete()  # cascades to categories, posts and their generic comments
    assert len(report.queries) > 2
    assert report.findings == []


# Django counts an unfiltered many-to-many on its through table alone (no join names the
# relation): the foreign key it filters on does.
UNFILTERED_M2M = {
    "testapp.Pizza.toppings": lambda: [p.toppings.count() for p in Pizza.objects.all()],
    "testapp.Pizza.restaurants": lambda: [p.restaurants.exists() for p in Pizza.objects.all()],
    "testapp.Member.banning": lambda: [m.banning.count() for m in Member.objects.all()],
    "testapp.Member.banned": lambda: [m.banned.count() for m in Member.objects.all()],
    # The through model's own reverse foreign key stays itself.
    "testapp.Member.ban_from_set": lambda: [m.ban_from_set.count() for m in Member.objects.all()],
}


@pytest.mark.parametrize("relation", UNFILTERED_M2M)
def test_an_unfiltered_many_to_many_count_per_object_is_an_n_plus_one(relation: str) -> None:
    with ormwatch.watch() as report:
        UNFILTERED_M2M[relation]()
    assert [(f.kind, str(f.relation)) for f in report.findings] == [("n_plus_one", relation)]


def test_the_threshold_comes_from_settings(settings: object) -> None:
    settings.ORMWATCH = {"N_PLUS_ONE_THRESHOLD": 10}  # type: ignore[attr-defined]
    with ormwatch.watch() as report:
        scenarios.fk_bad()
    # Below the threshold it is no N+1; posts sharing a category still repeat a query.
    assert "n_plus_one" not in [f.kind for f in report.findings]


@pytest.mark.skipif(django.VERSION < (6, 1), reason="fetch modes arrived in Django 6.1")
def test_fetch_peers_batches_are_not_reported_and_the_fix_mentions_them() -> None:
    from django.db.models import FETCH_PEERS

    with ormwatch.watch() as report:
        for post in Post.objects.fetch_mode(FETCH_PEERS):
            _ = post.category.name
    assert report.findings == []
    with ormwatch.watch() as report:
        scenarios.fk_bad()
    (finding,) = report.findings
    assert "fetch_mode(models.FETCH_PEERS)" in finding.message


@pytest.mark.skipif(django.VERSION < (6, 1), reason="fetch modes arrived in Django 6.1")
def test_fetch_peers_is_not_offered_where_it_batches_nothing() -> None:
    # A related manager (reverse FK, many-to-many) queries whatever the fetch mode.
    from django.db.models import FETCH_PEERS

    with ormwatch.watch() as report:
        for blog in Blog.objects.fetch_mode(FETCH_PEERS).order_by("pk"):
            _ = [c.name for c in blog.category.all()]
    (finding,) = report.findings
    assert finding.kind == "n_plus_one"
    assert "prefetch_related" in finding.message
    assert "FETCH_PEERS" not in finding.message
