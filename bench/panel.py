"""Benchmark: the toolbar panel for huge requests, from the store as the browser gets it.

    .venv/bin/python bench/panel.py [--rounds N] [--sizes 5000,10000]

For each size, one request through django-debug-toolbar runs that many
statements: cheap lookups on distinct rows, then a page whose template loads
each post's category and blog one by one (an N+1 of two relations). Then,
``--rounds`` times, the panel is rebuilt from the toolbar's store and its
content rendered, which is what the toolbar's ``render_panel`` view does when
the panel is opened. The SQL formatting cache is cleared before each round,
so every round formats the findings' SQL afresh; the Jinja2 template is
compiled once per process, as under ``runserver``. Medians are printed.
SQLite in memory, in-memory toolbar store.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path
from time import perf_counter

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
os.environ["ORMWATCH_TEST_DB"] = "sqlite"


def setup() -> None:
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, run_syncdb=True)


def make_posts(count: int) -> None:
    """``count`` posts, each with its own category and blog, so every load is distinct."""
    from tests.testapp.models import Blog, Category, Post

    blogs = Blog.objects.bulk_create(Blog(name=f"blog {i}") for i in range(count))
    categories = Category.objects.bulk_create(
        Category(name=f"category {i}", blog=blog) for i, blog in enumerate(blogs)
    )
    Post.objects.bulk_create(
        Post(title=f"post {i}", writer="w", ip_address="127.0.0.1", category=category)
        for i, category in enumerate(categories)
    )


def measure(size: int, rounds: int) -> dict[str, float]:
    from debug_toolbar.store import serialize
    from debug_toolbar.toolbar import DebugToolbar
    from django.test import Client

    from ormwatch.panels import _sql
    from tests.panel_support import PANEL_ID, Recorder, request_id

    # An N+1 over `posts` posts is 1 + 2 * posts statements; lookups fill the rest.
    posts = size // 5
    lookups = size - (1 + 2 * posts)
    start = perf_counter()
    with Recorder() as recorder:
        response = Client().get("/panel/queries/", {"n": lookups, "posts": posts})
    request_ms = (perf_counter() - start) * 1000
    stats = recorder.panel.get_stats()
    assert stats["query_count"] == size, stats["query_count"]
    rid = request_id(response)

    timings: list[float] = []
    content = ""
    for _ in range(rounds):
        _sql.format_sql.cache_clear()
        start = perf_counter()
        toolbar = DebugToolbar.fetch(rid, PANEL_ID)
        assert toolbar is not None
        content = toolbar.get_panel_by_id(PANEL_ID).content
        timings.append(perf_counter() - start)
    return {
        "request_ms": request_ms,
        "stored_kb": len(serialize(stats)) / 1024,
        "html_kb": len(content.encode()) / 1024,
        "render_ms": statistics.median(timings) * 1000,
        "findings": len(stats["findings"]),
        "stored": stats["stored_count"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--sizes", default="5000,10000")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    setup()
    import django

    from tests.panel_support import toolbar_settings

    make_posts(max(sizes) // 5)
    print(f"Django {django.get_version()}, Python {sys.version.split()[0]}, SQLite in memory")
    print(f"panel content rendered from the store, median of {args.rounds} rounds")
    print(
        f"{'queries':>8}{'stored':>8}{'findings':>9}{'store KB':>10}{'HTML KB':>9}"
        f"{'request ms':>12}{'render ms':>11}"
    )
    with toolbar_settings():
        for size in sizes:
            r = measure(size, args.rounds)
            print(
                f"{size:>8}{r['stored']:>8.0f}{r['findings']:>9.0f}{r['stored_kb']:>10.0f}"
                f"{r['html_kb']:>9.0f}{r['request_ms']:>12.0f}{r['render_ms']:>11.1f}"
            )


if __name__ == "__main__":
    main()
