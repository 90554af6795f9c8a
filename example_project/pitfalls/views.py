"""The index: every pitfall with its bad and fixed page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.models import User
from blog.models import Post
from library.models import Book
from pizzeria.models import Pizza
from shop.models import Product

from .registry import PITFALLS


def index(request: HttpRequest) -> HttpResponse:
    seeded = {
        "posts": Post.objects.count(),
        "pizzas": Pizza.objects.count(),
        "products": Product.objects.count(),
        "books": Book.objects.count(),
        "users": User.objects.count(),
    }
    return render(request, "pitfalls/index.html", {"pitfalls": PITFALLS, "seeded": seeded})
