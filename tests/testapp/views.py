from __future__ import annotations

from asgiref.sync import sync_to_async
from django.contrib.auth.models import User
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from tests.testapp.models import LOrder, Post


def post_list(request: HttpRequest) -> HttpResponse:
    posts = Post.objects.order_by("pk")
    return render(request, "testapp/post_list.html", {"posts": posts})


def posts_in_a_category(request: HttpRequest) -> HttpResponse:
    # A join made only to filter: no finding (tests/test_info_findings.py adds one).
    titles = [p.title for p in Post.objects.filter(category__name="quidem").order_by("pk")]
    return HttpResponse(", ".join(titles))


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
    """A huge request: ``?n=`` cheap queries on distinct rows, then a page of
    ``?posts=`` posts whose categories and blogs load one by one (an N+1)."""
    count = int(request.GET.get("n", "10"))
    found = sum(Post.objects.filter(pk=pk).exists() for pk in range(1, count + 1))
    posts = Post.objects.order_by("pk")[: int(request.GET.get("posts", "0"))]
    return render(request, "testapp/panel_page.html", {"title": f"{found} found", "posts": posts})


async def panel_async(request: HttpRequest) -> HttpResponse:
    posts = [post async for post in Post.objects.order_by("pk")]
    names = await sync_to_async(lambda: [post.category.name for post in posts])()
    return HttpResponse(f"<html><body><p>{len(names)} posts</p></body></html>")


async def post_list_async_n_plus_one(request: HttpRequest) -> HttpResponse:
    def names() -> list[str]:
        return [f"{p.title} in {p.category.name}" for p in Post.objects.order_by("pk")]

    return HttpResponse(", ".join(await sync_to_async(names)()))


SCRIPT = "<script>alert('ormwatch')</script>"


def panel_script(request: HttpRequest) -> HttpResponse:
    """Markup in SQL, in parameters and in model data: the panel must escape all of it."""
    with connection.cursor() as cursor:
        for _ in range(2):
            cursor.execute(f"SELECT %s /* {SCRIPT} */", [1])
    for _ in range(2):
        list(Post.objects.filter(title=SCRIPT))
    posts = Post.objects.order_by("pk")
    return render(request, "testapp/panel_page.html", {"title": SCRIPT, "posts": posts})


def panel_hostile(request: HttpRequest) -> HttpResponse:
    """Whatever ``?comment=`` and ``?value=`` hold, in the places a page can put it.

    ``comment`` goes into an SQL comment (run twice: a duplicate, so the panel
    shows the statement) and the page's title; ``value`` into the parameters
    of a filter on posts (twice) and of one on the auth table.
    """
    # Closing the comment early would make it SQL; a lone % would be a placeholder.
    comment = request.GET.get("comment", "").replace("*/", "").replace("%", "%%")
    value = request.GET.get("value", "")
    with connection.cursor() as cursor:
        for _ in range(2):
            cursor.execute(f"SELECT %s /* {comment} */", [1])
    for _ in range(2):
        list(Post.objects.filter(title=value))
    User.objects.filter(username=value).exists()
    posts = Post.objects.order_by("pk")
    return render(request, "testapp/panel_page.html", {"title": comment, "posts": posts})


def recording_state(request: HttpRequest) -> JsonResponse:
    """Whether anything records this request: the open recordings and the request's report."""
    from ormwatch._record import current_request_report
    from ormwatch._record._active import active

    return JsonResponse(
        {"recordings": len(active.get()), "report": current_request_report() is not None}
    )


def order_shops(request: HttpRequest) -> HttpResponse:
    # The 404 branch reads nothing of what select_related loaded.
    orders = list(LOrder.objects.select_related("shop").order_by("pk"))
    if not any(str(o.number) == request.GET.get("number") for o in orders):
        raise Http404("no such order")
    return HttpResponse(", ".join(o.shop.name for o in orders))


def orders_table(request: HttpRequest) -> HttpResponse:
    orders = LOrder.objects.order_by("pk")
    return render(request, "testapp/orders_table.html", {"orders": orders})
