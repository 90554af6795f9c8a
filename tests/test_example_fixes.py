"""The fixes ormwatch writes for the example project's bad pages, applied and re-run.

A copy of example_project is made; every bad page is requested with ormwatch
watching, and all their edits are written as one patch (as ``report.patch()``
writes them). ``git apply`` applies it to the copy, and every bad page is
requested again: no finding may be left, the page may run no more queries
than its fixed twin, and it shows the rows its fixed twin shows. Both runs happen in subprocesses
(tests/example_fix_runner.py): the example project's settings cannot load next
to the suite's.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

EXAMPLE_PROJECT = Path(__file__).resolve().parent.parent / "example_project"
RUNNER = Path(__file__).resolve().parent / "example_fix_runner.py"

# Kinds whose remedy is not code: the message says what to do in words.
NO_CODE_REMEDY = {"slow_query"}


def _run(cwd: Path, *args: str) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST_"))}
    done = subprocess.run(
        [sys.executable, str(RUNNER), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


@pytest.fixture(scope="module")
def applied(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], dict[str, Any]]:
    copy = tmp_path_factory.mktemp("example") / "example_project"
    shutil.copytree(
        EXAMPLE_PROJECT, copy, ignore=shutil.ignore_patterns("db.sqlite3", "__pycache__")
    )
    before = _run(copy, "patch")
    subprocess.run(["git", "apply", "--check", "ormwatch.patch"], cwd=copy, check=True)
    subprocess.run(["git", "apply", "ormwatch.patch"], cwd=copy, check=True)
    after = _run(copy)
    return before, after


def _problem(page: dict[str, Any], patched: dict[str, Any]) -> str | None:
    """Why the patched bad page is not as good as its fixed twin, or None."""
    if not page["kinds"]:
        return "the bad page reports nothing: nothing to fix"
    if set(page["kinds"]) <= NO_CODE_REMEDY:
        # No code is guessed where none is right.
        return None if page["with_edits"] == [] else f"edits for {page['with_edits']}"
    if page["with_edits"] != page["kinds"]:
        return f"findings without an edit: {page['kinds']} vs {page['with_edits']}"
    if patched["status"] != 200:
        return f"the patched page answers {patched['status']}"
    if patched["kinds"]:
        return f"still reported: {patched['kinds']}"
    if patched["queries"] > page["fixed_queries"]:
        return f"{patched['queries']} queries, the fixed twin {page['fixed_queries']}"
    if patched["rows"] != page["fixed_rows"]:
        return f"other rows than the fixed twin: {patched['rows']} vs {page['fixed_rows']}"
    return None


def test_every_bad_page_is_fixed_by_its_patch(
    applied: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    before, after = applied
    problems = {slug: _problem(page, after[slug]) for slug, page in before.items()}
    assert len(before) >= 20
    assert {slug: problem for slug, problem in problems.items() if problem} == {}
