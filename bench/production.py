"""Benchmark: what the middleware costs per request on a staging fleet.

    .venv/bin/python bench/production.py [--rounds N] [--requests N]

Each request goes through Django's handler (middleware chain, URL resolver,
view, template) built from a ``RequestFactory`` request, with ``DEBUG`` off
as in production, on two pages of the test app: an N+1 page (17 queries, one
finding) and its clean twin (one query). Modes:

- ``no ormwatch``: no middleware at all, the baseline;
- ``SAMPLE_RATE 0`` / ``0.1`` / ``1.0``: ``OrmWatchMiddleware`` recording
  none, one in ten, every request (findings logged at WARNING to a
  ``NullHandler``, so the log records are made but not written anywhere);
- ``span only``: an OpenTelemetry SDK span around the request
  (``tests/otel_support.py``: in-memory exporter), no ormwatch;
- ``span + 1.0``: that span and ormwatch at ``SAMPLE_RATE`` 1.0, which adds
  the findings to the span.

Modes are interleaved round by round, each round starting one mode later,
so noise on a shared machine hits all alike; each round times ``--requests``
requests per mode (after a ``gc.collect()``), and the median round is
reported. SQLite in memory: queries are cheap, so ormwatch's share is the
largest it gets.
"""

from __future__ import annotations

import argparse
import gc
import logging
import os
import statistics
import sys
from collections.abc import Callable
from pathlib import Path
from time import perf_counter
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
os.environ["ORMWATCH_TEST_DB"] = "sqlite"

ORMWATCH = "ormwatch.middleware.OrmWatchMiddleware"
SPAN = "tests.otel_support.SpanMiddleware"

# mode -> (MIDDLEWARE, SAMPLE_RATE or None when ormwatch is not in the chain)
MODES: dict[str, tuple[list[str], float | None]] = {
    "no ormwatch": ([], None),
    "SAMPLE_RATE 0": ([ORMWATCH], 0.0),
    "SAMPLE_RATE 0.1": ([ORMWATCH], 0.1),
    "SAMPLE_RATE 1.0": ([ORMWATCH], 1.0),
    "span only": ([SPAN], None),
    "span + 1.0": ([SPAN, ORMWATCH], 1.0),
}
PAGES = {"N+1 page": "/panel/n-plus-one/", "clean page": "/panel/clean/"}


def setup() -> None:
    import django
    from django.conf import settings
    from django.core.management import call_command

    settings.DEBUG = False  # no connection.queries log, as in production
    settings.ROOT_URLCONF = "tests.panel_urls"
    django.setup()
    call_command("migrate", verbosity=0, run_syncdb=True)
    from tests.testapp.models import Blog, Category, Post

    for b in range(2):
        blog = Blog.objects.create(name=f"blog {b}")
        for c in range(2):
            category = Category.objects.create(name=f"category {b}{c}", blog=blog)
            for p in range(2):
                Post.objects.create(title=f"post {b}{c}{p}", category=category)
    quiet = logging.getLogger("ormwatch")
    quiet.addHandler(logging.NullHandler())
    quiet.propagate = False


def handler_for(middleware: list[str]) -> Any:
    from django.core.handlers.base import BaseHandler
    from django.test.utils import override_settings

    with override_settings(MIDDLEWARE=middleware):
        handler = BaseHandler()
        handler.load_middleware()
    return handler


def requester(mode: str, path: str) -> Callable[[int], None]:
    from django.conf import settings
    from django.test import RequestFactory

    middleware, rate = MODES[mode]
    handler = handler_for(middleware)
    factory = RequestFactory()
    orm_settings = {"ENABLED": True, "SAMPLE_RATE": rate if rate is not None else 1.0}

    def run(requests: int) -> None:
        settings.ORMWATCH = orm_settings  # read by the middleware on every request
        for _ in range(requests):
            response = handler.get_response(factory.get(path))
            assert response.status_code == 200, response

    return run


def measure(rounds: int, requests: int, path: str) -> dict[str, float]:
    """Median seconds per request, per mode."""
    from tests.otel_support import exporter

    runs = {mode: requester(mode, path) for mode in MODES}
    for run in runs.values():  # warm caches: call sites, fingerprints, templates
        run(3)
    timings: dict[str, list[float]] = {mode: [] for mode in MODES}
    order = list(runs)
    for round_ in range(rounds):
        # Each round starts one mode later, so no mode always follows the same one.
        shift = round_ % len(order)
        for mode in order[shift:] + order[:shift]:
            run = runs[mode]
            exporter.clear()
            gc.collect()  # garbage one mode made is not collected on another's time
            start = perf_counter()
            run(requests)
            timings[mode].append((perf_counter() - start) / requests)
    return {mode: statistics.median(values) for mode, values in timings.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--requests", type=int, default=40)
    args = parser.parse_args()
    setup()
    import django

    print(f"Django {django.get_version()}, Python {sys.version.split()[0]}, SQLite in memory")
    print(f"median of {args.rounds} interleaved rounds of {args.requests} requests per mode")
    for page, path in PAGES.items():
        medians = measure(args.rounds, args.requests, path)
        base = medians["no ormwatch"]
        print(f"\n{page} ({path})")
        print(f"{'mode':<18}{'us/request':>12}{'vs no ormwatch':>16}")
        for mode, seconds in medians.items():
            print(f"{mode:<18}{seconds * 1e6:>12.0f}{seconds / base:>15.2f}x")
        span_cost = medians["span + 1.0"] - medians["span only"]
        print(f"ormwatch on a traced request: +{span_cost * 1e6:.0f} us")


if __name__ == "__main__":
    main()
