"""The index: every pitfall with its bad and fixed page."""

from __future__ import annotations

from pathlib import Path

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.models import User
from blog.models import Post
from library.models import Book
from pizzeria.models import Pizza
from shop.models import Product

from .registry import PITFALLS

# The findings reference beside the example project, in ormwatch's checkout.
FINDINGS = Path(__file__).resolve().parents[2] / "docs" / "findings.md"


def index(request: HttpRequest) -> HttpResponse:
    counts = {
        "posts": Post.objects.count(),
        "pizzas": Pizza.objects.count(),
        "products": Product.objects.count(),
        "books": Book.objects.count(),
        "users": User.objects.count(),
    }
    return render(request, "pitfalls/index.html", {"pitfalls": PITFALLS, "counts": counts})


def findings(request: HttpRequest) -> HttpResponse:
    """docs/findings.md as text: each page's "why and how to fix it" link."""
    return HttpResponse(FINDINGS.read_text(), content_type="text/plain; charset=utf-8")
