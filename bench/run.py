"""Benchmarks: what recording costs, as ratios measured in one run.

    .venv/bin/python bench/run.py [--rounds N] [--queries N]

Modes are interleaved round by round (baseline, watched, baseline, ...) so
that noise on this shared machine hits both alike; the ratio is taken of the
medians. SQLite in memory is the worst case for relative overhead: each
query is so cheap that any per-query work shows.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from collections.abc import Callable
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


def cheap_view(n: int) -> Callable[[], int]:
    """A view body running ``n`` cheap queries on distinct rows."""
    from tests.testapp.models import Blog

    Blog.objects.bulk_create(Blog(name=f"blog {i}") for i in range(n))
    ids = list(Blog.objects.values_list("pk", flat=True)[:n])

    def view() -> int:
        found = 0
        for pk in ids:
            found += Blog.objects.filter(pk=pk).exists()
        return found

    return view


def measure(rounds: int, modes: dict[str, Callable[[], object]]) -> dict[str, float]:
    timings: dict[str, list[float]] = {name: [] for name in modes}
    for _ in range(rounds):
        for name, body in modes.items():
            start = perf_counter()
            body()
            timings[name].append(perf_counter() - start)
    return {name: statistics.median(values) for name, values in timings.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--queries", type=int, default=500)
    args = parser.parse_args()
    setup()
    import django

    import ormwatch

    view = cheap_view(args.queries)

    def watched() -> None:
        with ormwatch.watch() as report:
            view()
        assert len(report.queries) == args.queries

    view()  # warm caches (call sites, fingerprints, role table) for both modes
    watched()
    medians = measure(args.rounds, {"no recording": view, "watch()": watched})
    base = medians["no recording"]
    print(f"Django {django.get_version()}, Python {sys.version.split()[0]}, SQLite in memory")
    print(f"view of {args.queries} cheap queries, median of {args.rounds} interleaved rounds")
    print(f"{'mode':<16}{'ms/view':>10}{'us/query':>10}{'ratio':>8}")
    for name, seconds in medians.items():
        print(
            f"{name:<16}{seconds * 1000:>10.2f}{seconds * 1e6 / args.queries:>10.1f}"
            f"{seconds / base:>8.2f}"
        )
    print(f"summary: watch() overhead ratio {medians['watch()'] / base:.2f}x")


if __name__ == "__main__":
    main()
