"""Querysets that library code built are not the user's to change (issue 15, item 12).

``{% if perms.testapp.change_post %}`` asks Django's ``ModelBackend``, which
builds ``Permission.objects.filter(group__in=user.groups.all())`` and reads it
with ``values_list()``: a lazy ``__in`` and a join across a many-to-many, but
nothing at the template line could change them. Shape findings (unexpected
subquery or join, eager loads ignored or unused, full fetches for a count,
double fetches) are only about querysets the user's code built; the same
queryset written by the user is still reported.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.context_processors import PermWrapper
from django.contrib.auth.models import Group, Permission, User
from django.template.loader import render_to_string
from django.test import Client

import ormwatch
from tests.test_admin import memberships, staff  # noqa: F401 - fixtures
from tests.testapp.models import Post

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(blog_data: list[Post]) -> User:
    user = User.objects.create_user("editor")
    for name in ("editors", "writers"):
        group = Group.objects.create(name=name)
        group.permissions.add(*Permission.objects.filter(codename__endswith="_post"))
        user.groups.add(group)
    return User.objects.get(pk=user.pk)  # no permission cache yet


def test_a_template_perms_check_yields_no_finding(editor: User) -> None:
    with ormwatch.watch() as report:
        html = render_to_string(
            "testapp/perms.html", {"perms": PermWrapper(editor), "posts": Post.objects.all()}
        )
    assert "edit" in html
    assert any("auth_permission" in q.sql for q in report.queries)  # Django asked
    assert [f.message for f in report.findings] == []


def test_the_same_queryset_written_by_the_user_is_reported(editor: User) -> None:
    def mine() -> None:
        perms = Permission.objects.filter(group__in=editor.groups.all())
        list(perms.values_list("content_type__app_label", "codename").order_by())

    with ormwatch.watch() as report:
        mine()
    kinds = sorted(f.kind for f in report.findings)
    assert kinds == ["unexpected_join", "unexpected_subquery"], [f.message for f in report.findings]


def test_the_admin_date_hierarchy_is_not_the_users_values_query(
    staff: Client,  # noqa: F811
    memberships: None,  # noqa: F811
) -> None:
    # Django's date_hierarchy runs dates() (a values query) on the ModelAdmin's
    # queryset, whose prefetch_related() the changelist rows do use.
    with ormwatch.watch() as report:
        assert staff.get("/admin/testapp/smembership/").status_code == 200
    assert [f.message for f in report.findings if f.kind == "eager_load_ignored"] == []
