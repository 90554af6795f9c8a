"""Two pages that show the same posts: one with an N+1, one without.

Each page counts the queries its post table runs with
``connection.execute_wrapper`` and prints the number above the table;
django-debug-toolbar's SQL panel shows the statements themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import connection
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string

from .models import Blog, Category, Post


class QueryCounter:
    """An ``execute_wrapper`` that counts the statements run through it."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(
        self,
        execute: Callable[..., Any],
        sql: str,
        params: Any,
        many: bool,
        context: dict[str, Any],
    ) -> Any:
        self.count += 1
        return execute(sql, params, many, context)


def index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "blog/index.html",
        {
            "blogs": Blog.objects.count(),
            "categories": Category.objects.count(),
            "posts": Post.objects.count(),
        },
    )


def _post_list(
    request: HttpRequest, *, title: str, code: str, posts: QuerySet[Post]
) -> HttpResponse:
    # The table is rendered here, inside the counter, because the template is
    # where `post.category.blog` runs the extra queries.
    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        table = render_to_string("blog/_post_table.html", {"posts": posts}, request=request)
    context = {"title": title, "code": code, "table": table, "query_count": counter.count}
    return render(request, "blog/post_list.html", context)


def post_list_n_plus_one(request: HttpRequest) -> HttpResponse:
    return _post_list(
        request,
        title="Post list (N+1)",
        code='Post.objects.order_by("id")',
        # Each row then loads its category, and that category's blog: 1 + 2N queries.
        posts=Post.objects.order_by("id"),
    )


def post_list_select_related(request: HttpRequest) -> HttpResponse:
    return _post_list(
        request,
        title="Post list (fixed, select_related)",
        code='Post.objects.select_related("category__blog").order_by("id")',
        # One query with two joins.
        posts=Post.objects.select_related("category__blog").order_by("id"),
    )
