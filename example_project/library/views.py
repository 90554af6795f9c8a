"""The library's pitfall, rendered through Jinja2: the bad view and,
right under it, the fixed view. library/jinja2/library/books.jinja reads
``book.author.hometown``."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .models import Book

# N+1 over a nullable foreign key chain, in a Jinja2 template ----------------------


def chain_bad(request: HttpRequest) -> HttpResponse:
    books = Book.objects.order_by("title")
    return render(request, "library/books.jinja", {"books": books}, using="jinja2")


def chain_fixed(request: HttpRequest) -> HttpResponse:
    books = Book.objects.select_related("author__hometown").order_by("title")
    return render(request, "library/books.jinja", {"books": books}, using="jinja2")
