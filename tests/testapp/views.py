from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tests.testapp.models import Post


def post_list(request: HttpRequest) -> HttpResponse:
    posts = Post.objects.order_by("pk")
    return render(request, "testapp/post_list.html", {"posts": posts})


async def post_list_async(request: HttpRequest) -> HttpResponse:
    titles = [p.title async for p in Post.objects.order_by("pk")]
    return HttpResponse(", ".join(titles))
