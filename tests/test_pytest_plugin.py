"""The pytest plugin end to end: pytester runs a test module in a subprocess."""

from __future__ import annotations

import json

import pytest

from tests.conftest import pytester_environment
from tests.test_panel_escaping import Elements

MODULE = """
import pytest
from tests import scenarios
from tests.testapp.models import Post


@pytest.fixture
def seeded(db):
    scenarios.seed()


def test_n_plus_one(seeded):
    for post in Post.objects.all():
        post.category.name


def test_clean(seeded):
    for post in Post.objects.select_related("category"):
        post.category.name
"""


@pytest.fixture
def run(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    pytester_environment(monkeypatch)

    def run(*args: str, module: str = MODULE) -> pytest.RunResult:
        pytester.makepyfile(test_module=module)
        return pytester.runpytest_subprocess("-p", "pytest_django", "-p", "no:cacheprovider", *args)

    return run


def test_off_by_default_nothing_fails(run) -> None:  # type: ignore[no-untyped-def]
    result = run()
    result.assert_outcomes(passed=2)
    result.stdout.no_fnmatch_line("*ormwatch findings*")


def test_fail_mode_fails_the_test_with_findings_and_shows_both_lines_and_the_fix(run) -> None:  # type: ignore[no-untyped-def]
    result = run("--ormwatch=fail")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*[[]n_plus_one[]] N+1: 4 queries loading testapp.Post.category*",
            "*at      test_module.py:13 test_n_plus_one",
            "*post.category.name",
            "*fix at  test_module.py:12 test_n_plus_one",
            '*for post in Post.objects.select_related("category").all():',
            "*FAILED test_module.py::test_n_plus_one*",
        ]
    )
    result.stdout.no_fnmatch_line("*sql     SELECT*")


def test_verbose_failures_show_the_sql(run) -> None:  # type: ignore[no-untyped-def]
    result = run("--ormwatch=fail", "-v")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(['*sql     SELECT *"testapp_category"*'])


def test_the_ini_key_sets_the_mode(run, pytester: pytest.Pytester) -> None:  # type: ignore[no-untyped-def]
    pytester.makeini("[pytest]\normwatch = fail\n")
    run().assert_outcomes(passed=1, failed=1)


def test_warn_mode_summarises_findings_by_call_site(run) -> None:  # type: ignore[no-untyped-def]
    result = run("--ormwatch=warn")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(
        [
            "*= ormwatch findings =*",
            "test_module.py:13 test_n_plus_one  (1 test)",
            "  [[]n_plus_one[]] N+1: 4 queries loading testapp.Post.category*",
            "    fix at test_module.py:12 test_n_plus_one: "
            'for post in Post.objects.select_related("category").all():',
            "1 finding(s) at 1 call site(s)",
        ]
    )


def test_the_marker_sets_a_query_budget_and_allows_kinds(run) -> None:  # type: ignore[no-untyped-def]
    module = MODULE.replace(
        "def test_n_plus_one(seeded):",
        '@pytest.mark.ormwatch(allow=["n_plus_one"])\ndef test_n_plus_one(seeded):',
    ).replace(
        "def test_clean(seeded):", "@pytest.mark.ormwatch(max_queries=0)\ndef test_clean(seeded):"
    )
    result = run("--ormwatch=fail", module=module)
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        ["*expected at most 0 queries, ran 1:*", "*FAILED test_module.py::test_clean*"]
    )


def test_the_fixture_asserts(run) -> None:  # type: ignore[no-untyped-def]
    module = (
        MODULE
        + """

def test_fixture_clean(seeded, ormwatch):
    for post in Post.objects.all():
        post.category.name
    assert len(ormwatch.queries) == 5
    assert [f.kind for f in ormwatch.findings] == ["n_plus_one"]
    ormwatch.assert_clean("duplicate_query")
    ormwatch.assert_clean()


def test_fixture_budget(seeded, ormwatch):
    list(Post.objects.all())
    ormwatch.assert_max_queries(1)
    with ormwatch.capture() as block:
        list(Post.objects.all())
    assert len(block.queries) == 1
    ormwatch.assert_max_queries(1)
"""
    )
    result = run(module=module)
    result.assert_outcomes(passed=2, failed=2)
    result.stdout.fnmatch_lines(
        [
            "*ormwatch found 1 problem(s):*",
            "*FAILED test_module.py::test_fixture_clean*",
            "*FAILED test_module.py::test_fixture_budget*",
        ]
    )
    result.stdout.fnmatch_lines(["*expected at most 1 queries, ran 2:*"])


BUDGETS = """
import pytest
from tests import scenarios
from tests.testapp.models import Post


@pytest.fixture
def seeded(db):
    scenarios.seed()


@pytest.mark.ormwatch(max_queries=2)
def test_marker_budget(seeded):
    for post in Post.objects.all():
        post.category.name


def test_fixture_budget(seeded, ormwatch):
    for post in Post.objects.order_by("pk"):
        post.category.name
    ormwatch.assert_max_queries(2)
"""


def test_budget_failures_name_the_findings_with_both_lines_and_the_fix(run) -> None:  # type: ignore[no-untyped-def]
    result = run("--ormwatch=fail", module=BUDGETS)
    result.assert_outcomes(failed=2)
    for test, call, origin, queryset in [
        ("test_marker_budget", 14, 13, 'Post.objects.select_related("category").all()'),
        ("test_fixture_budget", 19, 18, 'Post.objects.select_related("category").order_by("pk")'),
    ]:
        result.stdout.fnmatch_lines(
            [
                f"*_ {test} _*",
                "*expected at most 2 queries, ran 5:",
                "*ormwatch found 1 problem(s) among them (fixing them saves 4 queries):",
                "*[[]n_plus_one[]] N+1: 4 queries loading testapp.Post.category*",
                f"*at      test_module.py:{call} {test}",
                f"*fix at  test_module.py:{origin} {test}",
                f"*for post in {queryset}:",
            ]
        )


def test_a_baseline_accepts_todays_findings_even_when_they_move(  # type: ignore[no-untyped-def]
    run, pytester: pytest.Pytester
) -> None:
    baseline = pytester.path / "ormwatch-baseline.json"
    run(
        "--ormwatch=fail", f"--ormwatch-baseline={baseline}", "--ormwatch-update-baseline"
    ).assert_outcomes(passed=2)
    entries = json.loads(baseline.read_text())["findings"]
    assert [(e["kind"], e["relation"], e["path"], e["function"]) for e in entries] == [
        ("n_plus_one", "testapp.Post.category", "test_module.py", "test_n_plus_one")
    ]
    run("--ormwatch=fail", f"--ormwatch-baseline={baseline}").assert_outcomes(passed=2)
    moved = MODULE.replace("import pytest\n", "import pytest\n\n\n# unrelated edit\nX = 1\n\n")
    run("--ormwatch=fail", f"--ormwatch-baseline={baseline}", module=moved).assert_outcomes(
        passed=2
    )
    new = MODULE.replace('Post.objects.select_related("category")', "Post.objects.all()")
    result = run("--ormwatch=fail", f"--ormwatch-baseline={baseline}", module=new)
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*FAILED test_module.py::test_clean*"])


def test_json_and_html_reports(run, pytester: pytest.Pytester) -> None:  # type: ignore[no-untyped-def]
    # (from one line, a loop: a test re-reading on another line is no duplicate)
    twice = (
        "    for _ in range(2):\n"
        '        list(Post.objects.filter(title="<script>alert(1)</script>"))\n'
    )
    module = MODULE.replace(
        "post.category.name\n\n\ndef test_clean",
        f"post.category.name\n{twice}\n\ndef test_clean",
    )
    result = run(
        "--ormwatch=warn",
        "--ormwatch-report=out/r.json",
        "--ormwatch-report=out/r.html",
        module=module,
    )
    result.assert_outcomes(passed=2)
    data = json.loads((pytester.path / "out" / "r.json").read_text())
    assert data["summary"] == {
        "tests": 2,
        "tests_with_findings": 1,
        "findings": {"n_plus_one": 1, "duplicate_query": 1},
    }
    (test,) = [t for t in data["tests"] if t["findings"]]
    assert test["nodeid"] == "test_module.py::test_n_plus_one"
    # Findings of one severity sort by time wasted, which differs per database.
    by_kind = {f["kind"]: f for f in test["findings"]}
    assert by_kind["n_plus_one"]["call_site"]["line"] == 13
    assert by_kind["duplicate_query"]["call_site"]["line"] == 15  # the loop body
    # Paths relative to the rootdir, as the terminal names tests; the absolute one beside.
    absolute = str(pytester.path / "test_module.py")
    duplicate = by_kind["duplicate_query"]
    for site in [
        by_kind["n_plus_one"]["call_site"],
        by_kind["n_plus_one"]["origin"],
        duplicate["call_site"],
        *duplicate["details"]["call_sites"],
    ]:
        assert (site["path"], site["abs_path"]) == ("test_module.py", absolute)
    # The edits, with the same relative paths.
    (edit,) = by_kind["n_plus_one"]["edits"]
    assert (edit["path"], edit["abs_path"], edit["start_line"], edit["end_line"]) == (
        "test_module.py",
        absolute,
        12,
        12,
    )
    assert edit["text"] == '    for post in Post.objects.select_related("category").all():'
    html = (pytester.path / "out" / "r.html").read_text()
    assert "at test_module.py:13 test_n_plus_one" in html
    assert "fix at test_module.py:12 test_n_plus_one" in html
    # The fix as a diff of the test module.
    assert '<span class="">--- a/test_module.py</span>' in html
    assert '<span class="del">-    for post in Post.objects.all():</span>' in html
    assert (
        '<span class="add">+    for post in Post.objects.select_related(&#34;category&#34;).all():'
        "</span>"
    ) in html
    assert str(pytester.path) not in html
    # Four N+1 statements, three shown: the fourth is counted.
    assert "<summary>SQL (4 queries)</summary>" in html
    assert html.count("and 1 more</p>") == 1
    assert "test_module.py::test_n_plus_one" in html
    assert "N+1: 4 queries loading testapp.Post.category" in html
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


FAILING = (
    MODULE
    + """

def test_n_plus_one_then_fails(seeded):
    for post in Post.objects.order_by("-pk"):
        post.category.blog_id
    assert 1 == 2
"""
)


def test_a_failing_tests_findings_reach_the_summary_the_reports_and_the_baseline(  # type: ignore[no-untyped-def]
    run, pytester: pytest.Pytester
) -> None:
    result = run(
        "--ormwatch=warn",
        "--ormwatch-report=out/r.json",
        "--ormwatch-report=out/r.html",
        "--ormwatch-baseline=baseline.json",
        "--ormwatch-update-baseline",
        module=FAILING,
    )
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*= ormwatch findings =*",
            "test_module.py:23 test_n_plus_one_then_fails  (1 test)",
            "  [[]n_plus_one[]] N+1: 4 queries loading testapp.Post.category*",
            "2 finding(s) at 2 call site(s)",
        ]
    )
    data = json.loads((pytester.path / "out" / "r.json").read_text())
    assert data["summary"]["tests_with_findings"] == 2
    (failed,) = [t for t in data["tests"] if t["nodeid"].endswith("::test_n_plus_one_then_fails")]
    assert [(f["kind"], f["call_site"]["line"]) for f in failed["findings"]] == [("n_plus_one", 23)]
    assert failed["query_count"] == 5
    html = (pytester.path / "out" / "r.html").read_text()
    assert "test_module.py::test_n_plus_one_then_fails" in html
    entries = json.loads((pytester.path / "baseline.json").read_text())["findings"]
    assert sorted(e["function"] for e in entries) == [
        "test_n_plus_one",
        "test_n_plus_one_then_fails",
    ]


def test_fail_mode_adds_no_second_failure_to_a_failing_test(run) -> None:  # type: ignore[no-untyped-def]
    result = run("--ormwatch=fail", module=FAILING)
    result.assert_outcomes(passed=1, failed=2)
    result.stdout.fnmatch_lines(
        ["*assert 1 == 2*", "*FAILED test_module.py::test_n_plus_one_then_fails*"]
    )
    result.stdout.no_fnmatch_line("*Failed: ormwatch found*test_n_plus_one_then_fails*")


def test_a_bad_report_name_is_a_usage_error(run) -> None:  # type: ignore[no-untyped-def]
    result = run("--ormwatch-report=out.txt")
    result.stderr.fnmatch_lines(["*--ormwatch-report takes a .json or .html file*"])
    assert result.ret == pytest.ExitCode.USAGE_ERROR


def test_importing_the_plugin_does_not_import_django() -> None:
    import subprocess
    import sys

    code = "import sys, ormwatch.pytest_plugin; print('django' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


HOSTILE_DIR = 'x"><img src=x onerror=alert(1)><script>alert(2){{ 7*7 }}{% debug %}'
HOSTILE_MODULE = """
import pytest
from django.contrib.auth.models import User
from django.db import connection
from tests import scenarios
from tests.testapp.models import Post

SECRET = "".join(["hun", "ter", "2"])


@pytest.fixture
def seeded(db):
    scenarios.seed()


def test_hostile(seeded):
    for post in Post.objects.all():
        post.category.name
    with connection.cursor() as cursor:
        for _ in range(2):
            cursor.execute("SELECT %s /* <script>alert(3)</script> {{ 7*7 }} {% now 'Y' %} */", [1])
    for _ in range(2):
        list(Post.objects.filter(title=SECRET))
        User.objects.filter(username=SECRET).exists()
"""


def test_reports_escape_paths_sql_and_template_syntax_and_hide_secrets(  # type: ignore[no-untyped-def]
    run, pytester: pytest.Pytester
) -> None:
    folder = pytester.path / HOSTILE_DIR
    folder.mkdir()
    (folder / "test_hostile.py").write_text(HOSTILE_MODULE)
    result = run(
        "--ormwatch=warn",
        "--ormwatch-report=out/r.json",
        "--ormwatch-report=out/r.html",
        str(folder),
        module="",
    )
    result.assert_outcomes(passed=1)
    secret = "".join(["hun", "ter", "2"])
    text = (pytester.path / "out" / "r.json").read_text()
    data = json.loads(text)
    (test,) = data["tests"]
    assert HOSTILE_DIR in test["nodeid"]
    kinds = sorted(f["kind"] for f in test["findings"])
    assert kinds == ["duplicate_query"] * 3 + ["n_plus_one"]
    html = (pytester.path / "out" / "r.html").read_text()
    for report in (text, html):
        assert secret not in report
    elements = Elements(html)
    assert not elements.tags & {"script", "img"}
    assert not [name for name in elements.attributes if name.startswith("on")]
    assert "&lt;img src=x onerror=alert(1)&gt;&lt;script&gt;alert(2){{ 7*7 }}{% debug %}" in html
    assert "/* &lt;script&gt;alert(3)&lt;/script&gt; {{ 7*7 }} {% now &#39;Y&#39; %} */" in html


def test_the_json_report_names_the_loop_relative_to_the_rootdir(  # type: ignore[no-untyped-def]
    run, pytester: pytest.Pytester
) -> None:
    # The query runs in a helper; the loop that repeats it is a line of the test.
    loop = "def test_n_plus_one(seeded):\n    for post in Post.objects.all():\n"
    module = MODULE.replace(
        loop + "        post.category.name",
        "def category_name(post):\n    return post.category.name\n\n\n"
        + loop
        + "        category_name(post)",
    )
    result = run("--ormwatch=warn", "--ormwatch-report=r.json", module=module)
    result.assert_outcomes(passed=2)
    data = json.loads((pytester.path / "r.json").read_text())
    (finding,) = [f for t in data["tests"] for f in t["findings"]]
    absolute = str(pytester.path / "test_module.py")
    loop = finding["loop_site"]
    assert (loop["path"], loop["abs_path"], loop["line"]) == ("test_module.py", absolute, 17)
