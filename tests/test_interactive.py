"""Statements typed at a prompt are call sites: the shell, ``python -c``, stdin, IPython.

Their code has no file (``<console>``, ``<string>``, ``<stdin>``,
``<ipython-input-…>``), and ormwatch used to take them for library code: every
query had no call site, so an N+1 typed into ``manage.py shell`` gave no
finding. The subprocess tests run the real front ends on the suite's settings
with a fresh in-memory SQLite database.
"""

from __future__ import annotations

import code
import linecache
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

import ormwatch
from ormwatch._stack import _callsite
from tests.conftest import lineno
from tests.testapp.models import Blog, Category

REPO = Path(__file__).resolve().parent.parent

SETUP = """\
from django.core.management import call_command
call_command("migrate", verbosity=0)
from tests.testapp.models import Blog, Category
blog = Blog.objects.create(name="b")
Category.objects.bulk_create(Category(blog=blog, name=str(i)) for i in range(3))
"""
N_PLUS_ONE = """\
import ormwatch
with ormwatch.watch() as report:
    for category in Category.objects.all():
        category.blog.name
for finding in report.findings:
    print(f"{finding.kind} at {finding.call_site} code={finding.call_site.code!r}")
"""
DJANGO_SETUP = "import django\ndjango.setup()\n"


def line_of(script: str, text: str) -> int:
    (number,) = [n for n, line in enumerate(script.splitlines(), 1) if line.strip() == text]
    return number


def run(*command: str, stdin: str | None = None, env: dict[str, str] | None = None) -> str:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST_"))}
    environ.update(DJANGO_SETTINGS_MODULE="tests.settings", ORMWATCH_TEST_DB="sqlite")
    environ.update(env or {})
    done = subprocess.run(
        command,
        cwd=REPO,
        env=environ,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_python_stdin_reports_the_n_plus_one_at_its_line() -> None:
    script = DJANGO_SETUP + SETUP + N_PLUS_ONE
    out = run(sys.executable, "-", stdin=script)
    line = line_of(script, "category.blog.name")
    # Standard input is read and gone: no source line, but the site is there.
    assert out.splitlines() == [f"n_plus_one at <stdin>:{line} <module> code=''"]


def test_python_c_reports_the_n_plus_one_at_its_line() -> None:
    script = DJANGO_SETUP + SETUP + N_PLUS_ONE
    out = run(sys.executable, "-c", script)
    line = line_of(script, "category.blog.name")
    assert f"n_plus_one at <string>:{line} <module>" in out


def test_manage_py_shell_c_reports_the_n_plus_one_with_its_source() -> None:
    script = SETUP + N_PLUS_ONE
    out = run(sys.executable, "-m", "django", "shell", "-c", script)
    line = line_of(script, "category.blog.name")
    assert out.splitlines()[-1] == (
        f"n_plus_one at <string>:{line} <module> code='category.blog.name'"
    )


def test_ipython_cell_reports_the_n_plus_one_with_its_source(tmp_path: Path) -> None:
    pytest.importorskip("IPython")
    script = DJANGO_SETUP + SETUP + N_PLUS_ONE
    out = run(
        sys.executable,
        "-m",
        "IPython",
        "--no-banner",
        "--HistoryManager.enabled=False",
        "-c",
        script,
        env={"IPYTHONDIR": str(tmp_path)},
    )
    line = line_of(script, "category.blog.name")
    (found,) = [x for x in out.splitlines() if x.startswith("n_plus_one")]
    # IPython keeps each cell in linecache under a name of its own.
    assert found.startswith("n_plus_one at <ipython-input-1-")
    assert found.endswith(f":{line} <module> code='category.blog.name'")


@pytest.fixture
def categories(db: None) -> None:
    blog = Blog.objects.create(name="b")
    Category.objects.bulk_create(Category(blog=blog, name=str(i)) for i in range(3))


def test_console_statement_is_the_call_site_with_its_source(categories: None) -> None:
    # manage.py shell (without IPython) runs code.InteractiveConsole.
    console = code.InteractiveConsole({"ormwatch": ormwatch, "Category": Category})
    for typed in [
        "with ormwatch.watch() as report:",
        "    for category in Category.objects.all():",
        "        category.blog.name",
        "",
    ]:
        console.push(typed)
    report = console.locals["report"]
    (finding,) = report.findings
    assert finding.kind == "n_plus_one"
    assert finding.call_site is not None
    assert (finding.call_site.path, finding.call_site.line) == ("<console>", 3)
    assert finding.call_site.function == "<module>"
    assert finding.call_site.code == "category.blog.name"
    assert finding.origin is not None
    assert finding.origin.code == "for category in Category.objects.all():"
    assert finding.fix == 'for category in Category.objects.select_related("blog").all():'


def test_function_typed_earlier_has_no_source_rather_than_a_wrong_one(
    categories: None,
) -> None:
    console = code.InteractiveConsole({"ormwatch": ormwatch, "Category": Category})
    for typed in [
        "def names():",
        "    return [c.blog.name for c in Category.objects.all()]",
        "",
        "with ormwatch.watch() as report:",
        "    names()",
        "",
    ]:
        console.push(typed)
    (finding,) = console.locals["report"].findings
    assert finding.call_site is not None
    assert finding.call_site.path == "<console>"
    assert finding.call_site.line == 2
    # Line 2 of the statement now running is "    names()": not this function's line.
    assert finding.call_site.code == ""
    assert finding.call_site.function.startswith("names")


def test_interactive_code_objects_stay_out_of_the_caches(categories: None) -> None:
    # One code object per statement typed: cached by id(code), they would pile
    # up (the caches hold what they key) or, if not held, lend their id to a
    # later statement's code object and its stale site.
    console = code.InteractiveConsole({"ormwatch": ormwatch, "Category": Category})
    sites = []
    for number in range(5):
        console.push(f"with ormwatch.watch() as report: list(Category.objects.all()) # {number}")
        console.push("")
        (query,) = console.locals["report"].queries
        sites.append(query.call_site)
    assert [s.code if s else None for s in sites] == [
        f"with ormwatch.watch() as report: list(Category.objects.all()) # {n}" for n in range(5)
    ]
    assert [c for _, c in _callsite.code_kinds.values() if c.co_filename == "<console>"] == []
    assert [s for s in _callsite.sites.values() if s.path == "<console>"] == []


def test_jupyter_cell_file_is_the_call_site(categories: None) -> None:
    # ipykernel compiles a cell as <tempdir>/ipykernel_<pid>/<hash>.py, a file
    # it never writes, and keeps the text in linecache as IPython does.
    name = "/tmp/ipykernel_4242/2f1c3e0a.py"
    cell = "with ormwatch.watch() as report:\n    list(Category.objects.all())\n"
    linecache.cache[name] = (len(cell), None, cell.splitlines(keepends=True), name)
    try:
        namespace = {"ormwatch": ormwatch, "Category": Category}
        exec(compile(cell, name, "exec"), namespace)
        (query,) = namespace["report"].queries
    finally:
        del linecache.cache[name]
    assert query.call_site is not None
    assert (query.call_site.path, query.call_site.line) == (name, 2)
    assert query.call_site.code == "list(Category.objects.all())"
    assert not any(c.co_filename == name for _, c in _callsite.code_kinds.values())


@dataclass
class Counted:
    # A generated __init__ (code in "<string>") runs the query: it is library code.
    count: int = field(default_factory=Category.objects.count)


def test_generated_functions_named_string_stay_library_code(categories: None) -> None:
    with ormwatch.watch() as report:
        expected = lineno(1)
        Counted()
    (query,) = report.queries
    assert query.call_site is not None
    assert (query.call_site.path, query.call_site.line) == (__file__, expected)
