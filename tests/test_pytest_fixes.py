"""``--ormwatch-fix``: the run's fixes as a patch, verified by re-running each test."""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.conftest import pytester_environment

# Three fixable kinds, a finding with no code fix (a slow query: only its plan
# says what to change), and a clean test.
MODULE = """
import pytest
from tests import scenarios
from tests.testapp.models import Blog, Category, Pizza, Post


@pytest.fixture
def seeded(db):
    scenarios.seed()


def test_n_plus_one(seeded):
    names = []
    for post in Post.objects.order_by("title"):
        names.append(post.category.name)
    assert names == ["modi 0", "modi 0", "modi 1", "modi 1"]


def test_unused_select_related(seeded):
    categories = (
        Category.objects.select_related("blog")
        .order_by("name")
    )
    assert [category.name for category in categories] == ["modi 0", "modi 1"]


def test_prefetch_bypassed(seeded):
    menu = {}
    for pizza in Pizza.objects.prefetch_related("toppings").order_by("name"):
        menu[pizza.name] = [t.name for t in pizza.toppings.filter(spicy=True)]
    assert menu == {"Hawaiian": ["pepper"], "Seafood": ["pepper"]}


@pytest.fixture
def every_statement_slow(settings):
    # Read when the test's recording starts, so set before it.
    settings.ORMWATCH = {"SLOW_QUERY_MS": 0}


def test_slow_query(seeded, every_statement_slow):
    assert Blog.objects.filter(name__startswith="김").count() == 1


def test_clean(seeded):
    assert [p.category.name for p in Post.objects.select_related("category")]
"""


@pytest.fixture
def run(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    pytester_environment(monkeypatch)
    pytester.makepyfile(test_module=MODULE)

    def run(*args: str) -> pytest.RunResult:
        return pytester.runpytest_subprocess("-p", "pytest_django", "-p", "no:cacheprovider", *args)

    return run


def fix_table(result: pytest.RunResult) -> list[str]:
    """The lines under the "ormwatch fixes" heading, columns joined by one space."""
    lines = result.stdout.lines
    start = next(i for i, line in enumerate(lines) if "ormwatch fixes (" in line)
    assert lines[start + 1].split() == ["test", "finding", "queries", "fix"]
    end = next(i for i in range(start + 1, len(lines)) if lines[i].startswith("="))
    return [" ".join(line.split()) for line in lines[start + 2 : end]]


def findings(  # type: ignore[no-untyped-def]
    pytester: pytest.Pytester, run, *args: str
) -> tuple[dict[str, list[str]], pytest.RunResult]:
    """Each test's finding kinds, from a run with ``args``, and the run."""
    result = run("--ormwatch-report=after.json", *args)
    result.assert_outcomes(passed=5)
    data = json.loads((pytester.path / "after.json").read_text())
    kinds = {
        t["nodeid"].split("::")[1]: sorted(f["kind"] for f in t["findings"])
        for t in data["tests"]
        if t["findings"]
    }
    return kinds, result


def test_verify_keeps_the_fixes_that_hold_and_the_patch_applies(run, pytester) -> None:  # type: ignore[no-untyped-def]
    before, first = findings(pytester, run, "--ormwatch=warn", "--ormwatch-report=before.html")
    assert before == {
        "test_n_plus_one": ["n_plus_one"],
        "test_unused_select_related": ["unused_eager_load"],
        "test_prefetch_bypassed": ["prefetch_bypassed"],
        "test_slow_query": ["slow_query"],
    }
    # The summary names the whole statement the fix replaces; the HTML report
    # too, and shows the fix as a diff.
    first.stdout.fnmatch_lines(
        ["    fix at test_module.py:19-22 test_unused_select_related:", "      categories = ("]
    )
    html = (pytester.path / "before.html").read_text()
    assert "fix at test_module.py:19-22 test_unused_select_related" in html
    assert (
        '<span class="del">-        Category.objects.select_related(&#34;blog&#34;)</span>' in html
    )
    result = run("--ormwatch-fix=verify")
    result.assert_outcomes(passed=5)
    assert fix_table(result) == [
        "test_module.py::test_n_plus_one n_plus_one at test_module.py:14 5 -> 1 kept",
        "test_module.py::test_unused_select_related unused_eager_load at test_module.py:23"
        " 1 -> 1 kept",
        "test_module.py::test_prefetch_bypassed prefetch_bypassed at test_module.py:29 4 -> 2 kept",
        f"3 of 3 fix(es) verified, written to {pytester.path / 'ormwatch.patch'}",
    ]
    patch = (pytester.path / "ormwatch.patch").read_text()
    assert patch.startswith("--- a/test_module.py\n+++ b/test_module.py\n")
    subprocess.run(["git", "init", "-q"], cwd=pytester.path, check=True)
    check = subprocess.run(
        ["git", "apply", "--check", "ormwatch.patch"],
        cwd=pytester.path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert check.returncode == 0, check.stderr
    subprocess.run(["git", "apply", "ormwatch.patch"], cwd=pytester.path, check=True)
    # Only the finding that has no code fix is left.
    assert findings(pytester, run)[0] == {"test_slow_query": ["slow_query"]}


# The same N+1 twice: in a test that passes either way, and in one whose
# budget counts the N+1's queries (the fix breaks it). One statement, one hunk.
BUDGET = """
import pytest
from tests import scenarios
from tests.testapp.models import Post


def titles():
    return [(post.title, post.category.name) for post in Post.objects.order_by("title")]


@pytest.fixture
def seeded(db):
    scenarios.seed()


def test_titles(seeded):
    assert len(titles()) == 4


def test_titles_counted(seeded, django_assert_num_queries):
    with django_assert_num_queries(5):
        titles()


def test_titles_again(seeded):
    assert titles()[0] == ("quid 00", "modi 0")
"""


def test_diff_writes_every_fix_once_and_verify_drops_the_one_that_breaks_a_test(  # type: ignore[no-untyped-def]
    run, pytester: pytest.Pytester
) -> None:
    pytester.makepyfile(test_module=BUDGET)
    result = run("--ormwatch-fix=diff", "--ormwatch-patch=out/all.patch")
    result.assert_outcomes(passed=3)
    patch = (pytester.path / "out" / "all.patch").read_text()
    assert patch.count("@@ -") == 1, patch
    assert (
        "+    return [(post.title, post.category.name) for post in "
        'Post.objects.select_related("category").order_by("title")]\n' in patch
    )
    result.stdout.fnmatch_lines(
        [
            "*ormwatch fixes (diff)*",
            "3 fix(es) written to out/all.patch; apply with: git apply out/all.patch",
        ]
    )
    # Under xdist, and with the tests failed for their findings alone.
    result = run("--ormwatch=fail", "--ormwatch-fix=verify", "-n", "2")
    result.assert_outcomes(failed=3)
    assert fix_table(result) == [
        "test_module.py::test_titles n_plus_one at test_module.py:7 5 -> 1 kept",
        "test_module.py::test_titles_counted n_plus_one at test_module.py:7 5 -> 1"
        " the test fails with the fix",
        "test_module.py::test_titles_again n_plus_one at test_module.py:7 5 -> 1 kept",
        f"2 of 3 fix(es) verified, written to {pytester.path / 'ormwatch.patch'}",
    ]
    assert (pytester.path / "ormwatch.patch").read_text() == patch
