from __future__ import annotations

from asgiref.sync import sync_to_async
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tests.testapp.models import Post


def post_list(request: HttpRequest) -> HttpResponse:
    posts = Post.objects.order_by("pk")
    return render(request, "testapp/post_list.html", {"posts": posts})


async def post_list_async(request: HttpRequest) -> HttpResponse:
    titles = [p.title async for p in Post.objects.order_by("pk")]
    return HttpResponse(", ".join(titles))


# Pages for the toolbar panel tests (tests/test_panel*.py): whole HTML pages,
# because the toolbar inserts itself before </body>.


def panel_n_plus_one(request: HttpRequest) -> HttpResponse:
    posts = Post.objects.order_by("pk")
    return render(request, "testapp/panel_page.html", {"title": "Posts (N+1)", "posts": posts})


def panel_clean(request: HttpRequest) -> HttpResponse:
    posts = Post.objects.select_related("category__blog").order_by("pk")
    return render(request, "testapp/panel_page.html", {"title": "Posts", "posts": posts})


def panel_queries(request: HttpRequest) -> HttpResponse:
    """``?n=`` cheap queries, each on its own row: a huge request."""
    count = int(request.GET.get("n", "10"))
    found = sum(Post.objects.filter(pk=pk).exists() for pk in range(1, count + 1))
    return render(request, "testapp/panel_page.html", {"title": f"{found} found", "posts": []})


async def panel_async(request: HttpRequest) -> HttpResponse:
    posts = [post async for post in Post.objects.order_by("pk")]
    names = await sync_to_async(lambda: [post.category.name for post in posts])()
    return HttpResponse(f"<html><body><p>{len(names)} posts</p></body></html>")


async def post_list_async_n_plus_one(request: HttpRequest) -> HttpResponse:
    def names() -> list[str]:
        return [f"{p.title} in {p.category.name}" for p in Post.objects.order_by("pk")]

    return HttpResponse(", ".join(await sync_to_async(names)()))
