"""N+1s in the admin's changelists: the fix is the user's ModelAdmin.

A changelist's rows are fetched by Django's own code, after no line of the
user's ran: the view Django resolved is a ``ModelAdmin`` method, so its class
is the place to fix, with ``list_select_related`` or a ``get_queryset()``.
tests/testapp/admin.py holds the admins.
"""

from __future__ import annotations

import inspect

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
