"""Views none of whose lines is on the stack when their queries run
(tests/test_view_origin.py): class-based views whose template renders after
they return, a function view that returns a ``TemplateResponse``, and views
whose inherited library code (serializing.py) runs the queries."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.views.generic import DetailView, ListView

from tests.testapp.models import LOrder, Post
from tests.testapp.serializing import SerializingListView, SerializingViewSet


class PostsFromGetQueryset(ListView):  # type: ignore[type-arg]
    template_name = "testapp/post_list.html"
    context_object_name = "posts"
    paginate_by = None

    def get_queryset(self) -> Any:
        ordering = "pk"
        return Post.objects.order_by(ordering)


class PostsFromAttribute(ListView):  # type: ignore[type-arg]
    template_name = "testapp/post_list.html"
    context_object_name = "posts"
    queryset = Post.objects.order_by("pk")


class PostsFromModel(ListView):  # type: ignore[type-arg]
    template_name = "testapp/post_list.html"
    context_object_name = "posts"
    model = Post


class PostTitles(ListView):  # type: ignore[type-arg]
    template_name = "testapp/post_titles.html"
    context_object_name = "posts"
    queryset = Post.objects.select_related("category").order_by("pk")


class InheritedPosts(PostsFromAttribute):
    """Its queryset comes from the user's base class."""


def posts_response(request: HttpRequest) -> TemplateResponse:
    posts = Post.objects.order_by("pk")
    return TemplateResponse(request, "testapp/post_list.html", {"posts": posts})


class PostApi(SerializingListView):
    queryset = Post.objects.order_by("pk")
    fields = ("title", "category.name")


class PostApiFromModel(SerializingListView):
    model = Post
    fields = ("title", "category.name")


class OrderNumbers(ListView):  # type: ignore[type-arg]
    # allow_empty = False: ListView.get() itself evaluates the queryset (``not
    # self.object_list``), so no line of the user's runs the eager load.
    template_name = "testapp/order_numbers.html"
    context_object_name = "orders"
    allow_empty = False
    queryset = LOrder.objects.select_related("shop").order_by("pk")


class OrderDetail(DetailView):  # type: ignore[type-arg]
    template_name = "testapp/order_numbers.html"
    queryset = LOrder.objects.select_related("shop")


class PostViewSet(SerializingViewSet):
    queryset = Post.objects.order_by("pk")
    fields = ("title", "category.name")
