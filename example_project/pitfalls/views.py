"""The index: every pitfall with its bad and fixed page; and docs/findings.md."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
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


def findings_doc(request: HttpRequest) -> HttpResponse:
    """docs/findings.md of this checkout, each ``## kind`` heading an anchor (``#n_plus_one``).

    The pages link each finding kind here: the docs ship with the clone, not at
    an address on the web.
    """
    path = Path(settings.BASE_DIR).parent / "docs" / "findings.md"
    sections: list[tuple[str, list[str]]] = [("", [])]
    fenced = False
    for line in path.read_text(encoding="utf-8").splitlines():
        fenced ^= line.startswith("```")
        if line.startswith("## ") and not fenced:
            sections.append((line[3:].strip(), []))
        else:
            sections[-1][1].append(line)
    shown = [{"heading": h, "text": "\n".join(lines).strip("\n")} for h, lines in sections]
    return render(request, "pitfalls/findings.html", {"sections": shown})
