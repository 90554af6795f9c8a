"""Where a fix of several lines is shown: the panel names the whole statement under
"Fix at" (its line range) and copies the whole new statement ("Copy fix") and the
request's patch ("Copy patch"); the log and a test failure name the same lines."""

from __future__ import annotations

import importlib
import json
import re
import sys
import textwrap
from html import unescape
from pathlib import Path
from typing import Any

import pytest

import ormwatch
from ormwatch._format import block, log_message
from ormwatch.panels import _render, _stats
from tests.testapp.models import Blog, Category

SOURCE = """
from tests.testapp.models import Blog, Category


def view():
    categories = (
        Category.objects.select_related("blog")
        .order_by("name")
    )
    return [category.name for category in categories]
"""


@pytest.fixture
def report(db: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ormwatch.Report:
    """The report of a view whose unused select_related() sits in a four-line statement."""
    for name in ("a1", "a2", "a3"):
        Category.objects.create(name=name, blog=Blog.objects.create(name=f"blog {name}"))
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.chdir(tmp_path)  # paths and the patch are relative to it

    (tmp_path / "panel_fix_view.py").write_text(textwrap.dedent(SOURCE).lstrip())
    importlib.invalidate_caches()
    module = importlib.import_module("panel_fix_view")
    del sys.modules["panel_fix_view"]  # the next test's file is another one
    with ormwatch.watch() as report:
        module.view()
    return report


@pytest.fixture
def stats(report: ormwatch.Report) -> dict[str, Any]:
    built = _stats.build(report, 100)
    built["report_patch"] = report.patch()
    return built


def test_the_log_and_a_failure_name_the_whole_statement(report: ormwatch.Report) -> None:
    (finding,) = report.findings
    assert finding.origin is not None
    assert finding.origin.line in (5, 6)
    assert log_message(finding).endswith(
        "; fix at panel_fix_view.py:5-8 view:\n"
        "    categories = (\n"
        "        Category.objects\n"
        '        .order_by("name")\n'
        "    )"
    )
    assert "\n  fix at  panel_fix_view.py:5-8 view\n" in block(finding)


def test_fix_at_names_the_whole_statement_and_shows_it(stats: dict[str, Any]) -> None:
    (finding,) = stats["findings"]
    assert finding["fix_lines"] == {
        "start": 5,
        "end": 8,
        "code": 'categories = (\n    Category.objects.select_related("blog")\n'
        '    .order_by("name")\n)',
    }
    content = _render.render(stats, None, "/static/ormwatch/panel.css")
    places = re.search(r"<dt>Fix at</dt><dd>(.*?)</dd>", content, re.S)
    assert places is not None
    assert '<span class="ow-path" title="' in places.group(1)
    assert ">panel_fix_view.py:5-8</span>" in places.group(1)
    assert unescape(places.group(1)).count("categories = (\n") == 1
    fix = re.search(r'<pre class="ow-fix-code"><code>(.*?)</code></pre>', content, re.S)
    assert fix is not None
    assert (
        unescape(fix.group(1)) == 'categories = (\n    Category.objects\n    .order_by("name")\n)'
    )


def test_copy_patch_holds_the_patch_and_survives_the_store(stats: dict[str, Any]) -> None:
    patch = stats.pop("report_patch")
    assert stats["patch"] == patch
    assert str(patch).startswith("--- a/panel_fix_view.py\n+++ b/panel_fix_view.py\n")
    assert json.loads(json.dumps(stats)) == stats
    content = _render.render(stats, None, "/static/ormwatch/panel.css")
    button = re.search(r'data-ow-copy-patch="([^"]*)"', content)
    assert button is not None
    assert unescape(button.group(1)) == patch


def test_a_patch_too_large_to_store_is_not_offered(
    stats: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    stats.pop("report_patch")
    stats["patch"] = None
    content = _render.render(stats, None, "/static/ormwatch/panel.css")
    assert "data-ow-copy-patch" not in content
    # Stats stored by an earlier version have neither the patch nor the lines.
    del stats["patch"]
    for finding in stats["findings"]:
        del finding["fix_lines"]
    content = _render.render(stats, None, "/static/ormwatch/panel.css")
    places = re.search(r"<dt>Fix at</dt><dd>(.*?)</dd>", content, re.S)
    assert places is not None
    assert re.search(r">panel_fix_view.py:\d+</span>", places.group(1)), places.group(1)
