"""N+1s in the admin's changelists: the fix is the user's ModelAdmin.

A changelist's rows are fetched by Django's own code, after no line of the
user's ran: the view Django resolved is a ``ModelAdmin`` method, so its class
is the place to fix, with ``list_select_related`` or a ``get_queryset()``.
tests/testapp/admin.py holds the admins.
"""

from __future__ import annotations

import datetime
import inspect
import os

import django
import pytest
from django.contrib.auth.models import User
from django.test import Client

import ormwatch
from tests.testapp import admin as admins
from tests.testapp.models import Post

pytestmark = pytest.mark.django_db

SOURCE = inspect.getsourcefile(admins)


def line_of(text: str) -> int:
    lines = inspect.getsource(admins).splitlines()
    return next(n for n, line in enumerate(lines, start=1) if text in line)


@pytest.fixture
def staff(settings: object, blog_data: list[Post]) -> Client:
    settings.MIDDLEWARE = [  # type: ignore[attr-defined]
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
        "django.contrib.messages.middleware.MessageMiddleware",
    ]
    client = Client()
    client.force_login(User.objects.create_superuser("admin", "admin@example.com", "-"))
    return client


@pytest.mark.parametrize(
    ("url", "column", "origin", "fix"),
    [
        (
            "/admin/testapp/post/",
            "return post.category.blog.name",
            "class PostAdmin(admin.ModelAdmin):",
            'list_select_related = ["category__blog"]',
        ),
        (
            # list_select_related=("category",): the fix extends it.
            "/admin-other/testapp/post/",
            "return post.category.blog.name  # other_site",
            'list_select_related = ("category",)',
            'list_select_related = ["category", "category__blog"]',
        ),
        (
            # A reverse relation cannot be joined: a get_queryset() that prefetches.
            "/admin/testapp/category/",
            'return ", ".join(post.title for post in category.post.all())',
            "class CategoryAdmin(admin.ModelAdmin):",
            "def get_queryset(self, request):\n"
            '    return super().get_queryset(request).prefetch_related("post")',
        ),
    ],
)
def test_a_changelist_n_plus_one_is_fixed_in_the_model_admin(
    staff: Client, url: str, column: str, origin: str, fix: str
) -> None:
    with ormwatch.watch() as report:
        assert staff.get(url).status_code == 200
    (finding,) = report.findings  # not the changelist's two COUNTs: Django's own
    assert finding.kind == "n_plus_one"
    assert finding.call_site is not None
    assert (finding.call_site.path, finding.call_site.line) == (SOURCE, line_of(column))
    assert finding.origin is not None
    assert (finding.origin.path, finding.origin.line) == (SOURCE, line_of(origin))
    assert finding.origin.code.startswith(origin)
    assert finding.fix == fix


@pytest.fixture
def memberships(blog_data: list[Post]) -> None:
    from tests.testapp.models import Person, SMembership, STeam

    for n in range(3):
        person = Person.objects.create(name=f"p{n}")
        team = STeam.objects.create(name=f"t{n}")
        SMembership.objects.create(person=person, team=team, joined=datetime.date(2026, 1, n + 1))


@pytest.mark.usefixtures("memberships")
@pytest.mark.parametrize(
    "url", ["/admin/testapp/post/", "/admin/testapp/category/", "/admin/testapp/smembership/"]
)
def test_no_site_is_in_an_installed_package(staff: Client, url: str) -> None:
    # Django's admin templates run queries (the date hierarchy, the result
    # list), but they are not the user's lines: neither a call site, nor an
    # origin, nor a line of the stack.
    library = os.path.dirname(django.__file__)
    with ormwatch.watch() as report:
        assert staff.get(url).status_code == 200
    assert report.queries
    sites = [q.call_site for q in report.queries] + [s for q in report.queries for s in q.stack]
    sites += [f.call_site for f in report.findings] + [f.origin for f in report.findings]
    assert [s for s in sites if s is not None and s.path.startswith(library)] == []
    assert all(q.call_site is not None for q in report.queries if q.orm.model)
