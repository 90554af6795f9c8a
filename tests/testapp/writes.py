"""Application code that writes rows (helpers, signal handlers, views) for the write tests."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse

from tests.testapp.models import Blog, Category, Pizza, Post, Topping


def find_or_make_blog(name: str) -> Blog:
    blog, _ = Blog.objects.get_or_create(name=name)
    return blog


def retag(pizza: Pizza, toppings: list[Topping]) -> None:
    pizza.toppings.set(toppings)


def rename_blog(blog: Blog) -> None:
    blog.name = blog.name.upper()
    blog.save()


def log_post(sender: Any, instance: Post, created: bool, **kwargs: Any) -> None:
    """A post_save handler writing a row of its own."""
    if created:
        Category.objects.create(name=f"log {instance.pk}", blog_id=instance.category.blog_id)


def touch_blog(sender: Any, instance: Post, **kwargs: Any) -> None:
    """A post_save handler updating one row, the post's blog, on every save."""
    blog = Blog.objects.get(category=instance.category_id)
    blog.name = f"{instance.title} updated"
    blog.save()


def blog_name(request: HttpRequest, pk: int) -> HttpResponse:
    return HttpResponse(Blog.objects.get(pk=pk).name)


def add_post(request: HttpRequest) -> HttpResponse:
    post = Post.objects.create(title=request.POST["title"], category_id=request.POST["category"])
    return HttpResponse(f"{post.title} in {post.category.name}")
