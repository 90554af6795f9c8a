"""What ``--ormwatch-fix=verify`` costs: a generated suite run with and without it.

    .venv/bin/python bench/fix_verify.py [--fixable N] [--clean N]

Writes a test module of ``N`` tests with a fixable finding (an N+1 over a
foreign key, an unused ``select_related()``, a filter that bypasses a
prefetch, in turn) and ``N`` clean tests into a temporary rootdir, on this
repository's test settings (SQLite), then times ``pytest --ormwatch=warn``
and ``pytest --ormwatch=warn --ormwatch-fix=verify`` over it, each in a fresh
process. Prints both wall times, their ratio and the seconds per verified
test; docs/performance.md holds the latest figures.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

HEAD = """
import pytest
from tests import scenarios
from tests.testapp.models import Category, Pizza, Post


@pytest.fixture
def seeded(db):
    scenarios.seed()
"""

SHAPES = [
    """
def test_n_plus_one_{n}(seeded):
    names = []
    for post in Post.objects.order_by("title"):
        names.append(post.category.name)
    assert len(names) == 4
""",
    """
def test_unused_select_related_{n}(seeded):
    categories = (
        Category.objects.select_related("blog")
        .order_by("name")
    )
    assert [category.name for category in categories] == ["modi 0", "modi 1"]
""",
    """
def test_prefetch_bypassed_{n}(seeded):
    menu = {{}}
    for pizza in Pizza.objects.prefetch_related("toppings").order_by("name"):
        menu[pizza.name] = [t.name for t in pizza.toppings.filter(spicy=True)]
    assert menu == {{"Hawaiian": ["pepper"], "Seafood": ["pepper"]}}
""",
]

CLEAN = """
def test_clean_{n}(seeded):
    assert [p.category.name for p in Post.objects.select_related("category")]
"""


def write_project(folder: Path, fixable: int, clean: int) -> None:
    body = [HEAD]
    body += [SHAPES[n % len(SHAPES)].format(n=n) for n in range(fixable)]
    body += [CLEAN.format(n=n) for n in range(clean)]
    (folder / "test_generated.py").write_text("".join(body))


def timed(folder: Path, *args: str) -> tuple[float, str]:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "ORMWATCH_TEST_DB": "sqlite",
    }
    command = [sys.executable, "-m", "pytest", "-p", "pytest_django", "-p", "no:cacheprovider"]
    start = time.perf_counter()
    done = subprocess.run(
        [*command, "-q", *args], cwd=folder, env=env, capture_output=True, text=True, check=False
    )
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"pytest {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return elapsed, done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--fixable", type=int, default=12, help="tests with a fixable finding")
    parser.add_argument("--clean", type=int, default=12, help="tests without findings")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ormwatch-bench-") as temp:
        folder = Path(temp)
        write_project(folder, options.fixable, options.clean)
        warn, _ = timed(folder, "--ormwatch=warn")
        verify, output = timed(folder, "--ormwatch=warn", "--ormwatch-fix=verify")
    match = re.search(r"(\d+) of (\d+) fix\(es\) verified", output)
    if match is None:
        raise SystemExit(f"no verification summary in the output:\n{output}")
    kept, checked = int(match.group(1)), int(match.group(2))
    tests = options.fixable + options.clean
    print(f"{tests} tests, {options.fixable} with a fixable finding; {kept} of {checked} kept")
    print(f"--ormwatch=warn                        {warn:6.1f} s")
    print(f"--ormwatch=warn --ormwatch-fix=verify  {verify:6.1f} s  ({verify / warn:.1f}x)")
    print(f"per verified test                      {(verify - warn) / checked:6.2f} s")


if __name__ == "__main__":
    main()
