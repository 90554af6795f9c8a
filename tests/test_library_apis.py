"""A library API the user's line calls once repeats its own queries: not the user's finding.

babybuddy's ``migrate`` command (``super().handle()``) and django-import-export's
``import_data()`` ran the same statements many times, and row by row, inside
one call; the user's line could change none of it. The same library called
once per item of the user's own loop is the user's repeat, and still reported.
"""

from __future__ import annotations

from typing import Any

import pytest

import ormwatch
from tests.testapp import importer
from tests.testapp.models import Post

pytestmark = pytest.mark.django_db


@pytest.fixture
def library_importer(settings: Any) -> None:
    settings.ORMWATCH = {"LIBRARY_PATHS": [importer.__file__]}


@pytest.mark.usefixtures("library_importer")
def test_one_call_of_a_library_api_is_not_the_users_repeat(blog_data: list[Post]) -> None:
    with ormwatch.watch() as report:
        rows = importer.import_posts()
    assert len(rows) == len(blog_data)
    assert all(q.library_call for q in report.queries)
    assert [f.kind for f in report.findings] == []


@pytest.mark.usefixtures("library_importer")
def test_a_library_api_called_once_per_item_of_the_users_loop_is_reported(
    blog_data: list[Post],
) -> None:
    with ormwatch.watch() as report:
        for _ in range(2):
            importer.import_posts()
    assert "duplicate_query" in [f.kind for f in report.findings]


def test_the_same_code_as_the_users_own_is_reported(blog_data: list[Post]) -> None:
    with ormwatch.watch() as report:
        importer.import_posts()
    assert not any(q.library_call for q in report.queries)
    assert sorted(f.kind for f in report.findings) == ["duplicate_query", "n_plus_one"]


def test_djangos_migrate_run_in_the_users_loop_is_no_duplicate() -> None:
    # babybuddy's reset command runs migrate once per app in its own loop:
    # what Django's migration machinery reads again each time is its own.
    from django.core.management import call_command

    with ormwatch.watch() as report:
        for _ in range(2):
            call_command("migrate", verbosity=0)
    assert any(q.library_call == 2 for q in report.queries)
    assert [f.kind for f in report.findings] == []
