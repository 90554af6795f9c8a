"""A test recording keeps each test-client request apart from the others and from the test body."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync
from django.test import AsyncClient, Client

import ormwatch
from ormwatch import Report
from tests.testapp.models import Blog, Category, Post

pytestmark = pytest.mark.django_db


def kinds(report: Report) -> list[str]:
    return [f.kind for f in report.findings]


def test_two_requests_loading_the_same_row_are_no_duplicate(client: Client) -> None:
    blog = Blog.objects.create(name="b")
    with ormwatch.watch() as report:
        assert client.get(f"/blog-name/{blog.pk}/").content == b"b"
        assert client.get(f"/blog-name/{blog.pk}/").content == b"b"
    assert "duplicate_query" not in kinds(report)
    assert len({q.segment for q in report.queries}) == 2


def test_the_same_query_in_the_body_before_and_after_a_request_is_no_duplicate(
    client: Client,
) -> None:
    category = Category.objects.create(name="c", blog=Blog.objects.create(name="b"))
    with ormwatch.watch() as report:
        assert Post.objects.count() == 0
        client.post("/add-post/", {"title": "t", "category": category.pk})
        assert Post.objects.count() == 1
    assert "duplicate_query" not in kinds(report)


def test_three_posts_each_creating_one_row_are_no_n_plus_one(client: Client) -> None:
    category = Category.objects.create(name="c", blog=Blog.objects.create(name="b"))
    with ormwatch.watch() as report:
        for title in ("one", "two", "three"):
            client.post("/add-post/", {"title": title, "category": category.pk})
    assert Post.objects.count() == 3
    assert kinds(report) == []


def test_async_client_requests_are_segments_too() -> None:
    blog = Blog.objects.create(name="b")

    async def two_requests() -> None:
        client = AsyncClient()
        await client.get(f"/blog-name/{blog.pk}/")
        await client.get(f"/blog-name/{blog.pk}/")

    with ormwatch.watch() as report:
        async_to_sync(two_requests)()
    assert len(report.queries) == 2
    assert "duplicate_query" not in kinds(report)


def test_a_real_n_plus_one_in_one_request_is_reported_once(
    client: Client, blog_data: list[Post]
) -> None:
    with ormwatch.watch() as report:
        client.get("/posts/")
    assert kinds(report) == ["n_plus_one"]
    (finding,) = report.findings
    assert finding.query_count == len(blog_data)


def test_duplicates_within_one_body_segment_are_still_found() -> None:
    with ormwatch.watch() as report:
        list(Blog.objects.filter(name="x"))
        list(Blog.objects.filter(name="x"))
    assert kinds(report) == ["duplicate_query"]
