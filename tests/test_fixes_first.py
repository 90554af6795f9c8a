"""``if qs:`` followed by ``get()`` of the same row: one ``first()``, applied and run again."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fix_support import apply_fixes
from tests.test_fixes_applied import fixed
from tests.testapp.models import Blog, STeam

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["red", "blue"])
def test_a_truth_test_then_get_of_a_unique_row_becomes_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    STeam.objects.create(name="red")
    applied = apply_fixes(
        tmp_path,
        monkeypatch,
        f"""
        from tests.testapp.models import STeam


        def view():
            answers = []
            if STeam.objects.filter(name="{name}"):
                team = STeam.objects.get(name="{name}")
                answers.append(team.name)
            return answers
        """,
    )
    fixed(applied, ["full_fetch_for_count"])
    assert f'    team = STeam.objects.filter(name="{name}").first()\n' in applied.source
    assert "    if team is not None:\n" in applied.source
    assert applied.after.report.query_count == 1


def test_a_truth_test_then_get_on_a_field_that_is_not_unique_asks_exists(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    Blog.objects.create(name="a")
    applied = apply_fixes(
        tmp_path,
        monkeypatch,
        """
        from tests.testapp.models import Blog


        def view():
            if Blog.objects.filter(name="a"):
                blog = Blog.objects.get(name="a")
                return blog.name
            return None
        """,
    )
    # get() could raise where first() would not: the test becomes exists(), the get() stays.
    fixed(applied, ["full_fetch_for_count"])
    assert 'if Blog.objects.filter(name="a").exists():' in applied.source
    assert ".first()" not in applied.source
