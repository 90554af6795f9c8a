"""The benchmark's Django project: settings, data and the views that are timed.

One process is one configuration. ``configure(peers)`` installs the apps a
peer profiler needs (django-zeal patches the ORM when its app loads, so a
process with a peer installed measures only that peer against its own
baseline). SQLite in memory, ``DEBUG=True`` as under ``runserver``.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from django.db import connection
from django.http import HttpRequest, HttpResponse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ROWS = 1000  # posts, each with its own category and blog


def configure(peers: tuple[str, ...] = ()) -> None:
    import django
    from django.conf import settings
    from django.core.management import call_command

    settings.configure(
        DEBUG=True,
        SECRET_KEY="bench",
        ALLOWED_HOSTS=["*"],
        ROOT_URLCONF="bench._urls",
        DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
        INTERNAL_IPS=["127.0.0.1"],
        INSTALLED_APPS=[
            "django.contrib.auth",
            "django.contrib.contenttypes",
            "django.contrib.staticfiles",
            "ormwatch",
            "tests.testapp",
            "debug_toolbar",
            *peers,
        ],
        MIDDLEWARE=[],
        TEMPLATES=[
            {"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True}
        ],
        STATIC_URL="/static/",
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
        DEBUG_TOOLBAR_CONFIG={"IS_RUNNING_TESTS": False},
        # Modes pick one panel each; the toolbar builds its URLs once, from these.
        DEBUG_TOOLBAR_PANELS=["ormwatch.panels.OrmWatchPanel", "debug_toolbar.panels.sql.SQLPanel"],
        # The peers' defaults raise or print on findings; a benchmark wants neither.
        ZEAL_RAISE=False,
        QUERY_DOCTOR={"REPORTERS": []},
        # Findings are logged as in development, to a file nobody reads.
        LOGGING={
            "version": 1,
            "handlers": {"null": {"class": "logging.FileHandler", "filename": os.devnull}},
            "loggers": {"ormwatch": {"handlers": ["null"], "level": "INFO", "propagate": False}},
        },
    )
    django.setup()
    import debug_toolbar.urls  # noqa: F401 - its URLs, for both panels, before any mode

    logging.captureWarnings(True)  # zeal warns on each N+1: to the log, not stderr
    call_command("migrate", verbosity=0, run_syncdb=True)
    _seed()


def _seed() -> None:
    from tests.testapp.models import Blog, Category, Post

    blogs = Blog.objects.bulk_create(Blog(name=f"blog {i}") for i in range(ROWS))
    categories = Category.objects.bulk_create(
        Category(name=f"category {i}", blog=blog) for i, blog in enumerate(blogs)
    )
    Post.objects.bulk_create(
        Post(title=f"post {i}", writer="김철수", ip_address="10.0.0.1", category=category)
        for i, category in enumerate(categories)
    )


def _page(body: str) -> HttpResponse:
    # A real page: the toolbar only injects itself into HTML with a </body>.
    return HttpResponse(f"<!doctype html><html><body>{body}</body></html>")


def cheap(request: HttpRequest) -> HttpResponse:
    """``n`` cheap queries on distinct rows: the worst case for per-query cost."""
    from tests.testapp.models import Blog

    n = int(request.GET.get("n", 500))
    found = sum(Blog.objects.filter(pk=pk).exists() for pk in range(1, n + 1))
    return _page(str(found))


def n_plus_one(request: HttpRequest) -> HttpResponse:
    """``rows`` posts, each loading its category (and, with ``deep``, blog) one by one."""
    from tests.testapp.models import Post

    rows, deep = int(request.GET.get("rows", 200)), "deep" in request.GET
    names = []
    for post in Post.objects.order_by("pk")[:rows]:
        names.append(post.category.blog.name if deep else post.category.name)
    return _page("".join(f"<p>{n}</p>" for n in names))


def fixed(request: HttpRequest) -> HttpResponse:
    """The N+1 page fixed with ``select_related``: one query."""
    from tests.testapp.models import Post

    rows = int(request.GET.get("rows", 200))
    posts = Post.objects.select_related("category").order_by("pk")[:rows]
    return _page("".join(f"<p>{post.category.name}</p>" for post in posts))


def big(request: HttpRequest) -> HttpResponse:
    """5,000 statements: an N+1 of two relations over 1,000 posts, then 2,999 lookups.

    The lookups touch distinct rows of three tables, so no statement repeats.
    """
    from tests.testapp.models import Blog, Category, Post

    for post in Post.objects.order_by("pk")[:ROWS]:
        post.category.blog.name  # noqa: B018 - the lazy loads are the point
    for model in (Blog, Category, Post):
        for pk in range(1, ROWS + 1 if model is not Post else ROWS):
            model.objects.filter(pk=pk).exists()
    return _page(str(len(connection.queries)))
