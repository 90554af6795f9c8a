"""docs/architecture.md's recipe for a new finding kind is all it takes.

A throwaway kind (``tests/throwaway_kind.py``: one module declaring its
``KindSpec``) is registered, which stands for the one line a built-in kind
adds to ``Kind``, and shows up in every output: a report, the toolbar panel
rendered by the real django-debug-toolbar, and the pytest plugin's output.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from django.test import Client

import ormwatch
from ormwatch._analyse import _registry
from tests import throwaway_kind
from tests.conftest import pytester_environment
from tests.panel_support import Recorder, make_posts, render_panel, request_id, toolbar_settings
from tests.testapp.models import Blog


@pytest.fixture
def registered() -> Iterator[None]:
    _registry.register(throwaway_kind.KIND)
    try:
        yield
    finally:
        _registry.unregister(throwaway_kind.KIND.name)


@pytest.mark.django_db
@pytest.mark.usefixtures("registered")
def test_a_report_has_the_new_kind() -> None:
    Blog.objects.create(name="Notes")
    with ormwatch.watch() as report:
        list(Blog.objects.all())
    (finding,) = report.findings
    assert finding.kind == "throwaway_blog_read"
    assert finding.to_dict()["docs_url"] == "docs/findings.md#throwaway_blog_read"
    assert report.to_dict()["findings"][0]["kind"] == "throwaway_blog_read"


@pytest.mark.django_db
@pytest.mark.usefixtures("registered")
def test_the_panel_shows_the_new_kind_with_its_label(client: Client) -> None:
    make_posts(1)
    with toolbar_settings(), Recorder() as recorder:
        response = client.get("/panel/n-plus-one/")
        content = render_panel(client, request_id(response))["content"]
    assert recorder.panel.nav_subtitle.startswith("1 blog read · ")
    assert 'data-ow-kind="throwaway_blog_read"' in content
    assert "Throwaway: a Blog was read" in content


def test_the_pytest_output_has_the_new_kind(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester_environment(monkeypatch)
    pytester.makeconftest(
        """
from ormwatch._analyse import _registry
from tests import throwaway_kind

_registry.register(throwaway_kind.KIND)
"""
    )
    pytester.makepyfile(
        test_module="""
from tests.testapp.models import Blog


def test_reads_a_blog(db):
    Blog.objects.create(name="Notes")
    list(Blog.objects.all())
"""
    )
    result = pytester.runpytest_subprocess(
        "-p", "pytest_django", "-p", "no:cacheprovider", "--ormwatch=fail",
        "--ormwatch-report=report.json",
    )  # fmt: skip
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*[[]throwaway_blog_read[]] Throwaway: a Blog was read*"])
    data = json.loads((pytester.path / "report.json").read_text())
    (test,) = data["tests"]
    assert [f["kind"] for f in test["findings"]] == ["throwaway_blog_read"]
