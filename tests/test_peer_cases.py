"""The labelled cases of our peers' test suites, re-expressed as ormwatch cases.

django-zeal (``tests/test_nplusones.py``), nplusone (``tests/testapp``),
django-seal (``tests/test_query.py``) and django-query-profiler
(``tests/integration``) each label code as "reports" or "does not report".
Each case below mirrors one of them (the comment names it) on our test models
(the ``P*`` models are zeal's ``social`` app; seal's and the profiler's map
onto Post/Category/Blog and Pizza/Topping/Restaurant). What the peer reports,
we report with the right kind, relation and path, and every fix we print is
applied with ``git apply`` and run again: the finding is gone, the queries did
not grow and the result is the same. What the peer does not report, we do not.

Where ormwatch differs on purpose, the case says so: one lazy load of one row
is not an N+1 (nplusone and django-seal flag every lazy load; we report the
same access once it repeats over rows), and an eager load is reported unused
only when it loaded rows for at least two objects.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db.models import prefetch_related_objects

import ormwatch
from tests.fix_support import Applied, apply_fixes
from tests.testapp.models import (
    Blog,
    Category,
    Comment,
    Pizza,
    Post,
    PPost,
    PProfile,
    PTag,
    PUser,
    Restaurant,
    Topping,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def social(db: None) -> list[PUser]:
    """Four users, each with a post, a profile and a tag; each follows and blocks the next."""
    users = [PUser.objects.create(username=f"user{i}") for i in range(4)]
    for i, user in enumerate(users):
        PPost.objects.create(author=user, text=f"post {i}")
        PProfile.objects.create(user=user, display_name=f"User {i}")
        PTag.objects.create(obj=user, label=f"tag {i}")
        user.following.add(users[(i + 1) % 4])
        user.blocked.add(users[(i + 1) % 4])
    return users


@pytest.fixture
def blogs(db: None) -> None:
    for name in ("alpha", "beta"):
        blog = Blog.objects.create(name=name)
        for title in ("one", "two"):
            category = Category.objects.create(name=f"{name} {title}", blog=blog)
            post = Post.objects.create(title=f"{name} {title}", category=category)
            Comment.objects.create(content_object=post, text="first")
            Comment.objects.create(content_object=post, text="second")


@pytest.fixture
def pizzas(db: None) -> None:
    toppings = {
        name: Topping.objects.create(name=name, spicy=spicy)
        for name, spicy in [("olives", False), ("pepperoni", True), ("bacon", True)]
    }
    pepperoni = Pizza.objects.create(name="Pepperoni")
    pepperoni.toppings.set([toppings["pepperoni"], toppings["olives"]])
    bacon = Pizza.objects.create(name="Bacon")
    bacon.toppings.set([toppings["bacon"]])
    hawaii = Pizza.objects.create(name="Hawaii")
    hawaii.toppings.set([toppings["olives"]])
    north = Restaurant.objects.create(name="North Beach", best_pizza=pepperoni)
    north.pizzas.set([pepperoni, hawaii])
    amici = Restaurant.objects.create(name="Amici", best_pizza=hawaii)
    amici.pizzas.set([pepperoni, hawaii, bacon])


def reported(report: ormwatch.Report) -> list[tuple[str, str | None, str | None]]:
    """(kind, relation, path) of every warning, sorted."""
    return sorted(
        (str(f.kind), str(f.relation) if f.relation else None, f.path)
        for f in report.findings
        if not f.informational
    )


def fixed(applied: Applied, expected: list[tuple[str, str | None, str | None]]) -> None:
    """Reported as expected; the patch applied, nothing is left, no more queries, same result."""
    assert reported(applied.before.report) == expected, applied.before.report.findings
    assert applied.patch, "no fix was written"
    assert reported(applied.after.report) == [], (applied.patch, applied.after.report.findings)
    assert applied.after.report.query_count <= applied.before.report.query_count
    assert applied.after.result == applied.before.result


def module(imports: str, body: str) -> str:
    """A module whose ``view()`` runs ``body`` (indented four spaces) and returns ``found``."""
    lines = "".join(f"    {line}\n" if line else "\n" for line in body.strip("\n").split("\n"))
    return f"{imports}\n\n\ndef view():\n    found = []\n{lines}    return found\n"


P_IMPORTS = (
    "from django.db.models import prefetch_related_objects\n\n"
    "from tests.testapp.models import PPost, PProfile, PTag, PUser"
)
N = "testapp"

# (id, code, what is reported): the code appends what it read to ``found``.
REPORTED = [
    # django-zeal test_nplusones.py::test_detects_nplusone_in_forward_many_to_one
    (
        "zeal-forward-fk",
        "for post in PPost.objects.all():\n    found.append(post.author.username)",
        [("n_plus_one", f"{N}.PPost.author", "author")],
    ),
    # django-zeal test_nplusones.py::test_detects_nplusone_in_forward_many_to_one_iterator
    (
        "zeal-forward-fk-iterator",
        "for post in PPost.objects.all().iterator(chunk_size=2):\n"
        "    found.append(post.author.username)",
        [("n_plus_one", f"{N}.PPost.author", "author")],
    ),
    # django-zeal test_nplusones.py::test_detects_nplusone_in_reverse_many_to_one
    (
        "zeal-reverse-fk",
        "for user in PUser.objects.all():\n    found.append([p.text for p in user.posts.all()])",
        [("n_plus_one", f"{N}.PUser.posts", "posts")],
    ),
    # django-zeal test_nplusones.py::test_detects_nplusone_in_reverse_many_to_one_iterator
    (
        "zeal-reverse-fk-iterator",
        "for user in PUser.objects.all().iterator(chunk_size=2):\n"
        "    found.append([p.text for p in user.posts.all()])",
        [("n_plus_one", f"{N}.PUser.posts", "posts")],
    ),
    # django-zeal test_nplusones.py::test_detects_nplusone_in_forward_one_to_one
    (
        "zeal-forward-o2o",
        "for profile in PProfile.objects.all():\n    found.append(profile.user.username)",
        [("n_plus_one", f"{N}.PProfile.user", "user")],
    ),
    # django-zeal test_nplusones.py::test_detects_nplusone_in_forward_one_to_one_iterator
    (
        "zeal-forward-o2o-iterator",
        "for profile in PProfile.objects.all().iterator(chunk_size=2):\n"
        "    found.append(profile.user.username)",
        [("n_plus_one", f"{N}.PProfile.user", "user")],
    ),
    # django-zeal test_nplusones.py::test_detects_nplusone_in_reverse_one_to_one
    (
        "zeal-reverse-o2o",
        "for user in PUser.objects.all():\n    found.append(user.profile.display_name)",
        [("n_plus_one", f"{N}.PUser.profile", "profile")],
    ),
    # django-zeal test_nplusones.py::test_detects_nplusone_in_reverse_one_to_one_iterator
    (
        "zeal-reverse-o2o-iterator",
        "for user in PUser.objects.all().iterator(chunk_size=2):\n"
        "    found.append(user.profile.display_name)",
        [("n_plus_one", f"{N}.PUser.profile", "profile")],
    ),
    # django-zeal test_nplusones.py::test_detects_nplusone_in_forward_many_to_many
    (
        "zeal-forward-m2m",
        "for user in PUser.objects.all():\n"
        "    found.append([u.username for u in user.following.all()])",
        [("n_plus_one", f"{N}.PUser.following", "following")],
    ),
    # django-zeal test_nplusones.py::test_detects_nplusone_in_forward_many_to_many_iterator
    (
        "zeal-forward-m2m-iterator",
        "for user in PUser.objects.iterator(chunk_size=2):\n"
        "    found.append([u.username for u in user.following.all()])",
        [("n_plus_one", f"{N}.PUser.following", "following")],
    ),
    # django-zeal test_nplusones.py::test_detects_nplusone_in_reverse_many_to_many
    (
        "zeal-reverse-m2m",
        "for user in PUser.objects.all():\n"
        "    found.append([u.username for u in user.followers.all()])",
        [("n_plus_one", f"{N}.PUser.followers", "followers")],
    ),
    # django-zeal test_nplusones.py::test_detects_nplusone_in_reverse_many_to_many_iterator
    (
        "zeal-reverse-m2m-iterator",
        "for user in PUser.objects.all().iterator(chunk_size=2):\n"
        "    found.append([u.username for u in user.followers.all()])",
        [("n_plus_one", f"{N}.PUser.followers", "followers")],
    ),
    # django-zeal test_nplusones.py::test_detects_nplusone_in_forward_many_to_many_with_no_related_name
    (
        "zeal-forward-m2m-no-related-name",
        "for user in PUser.objects.all():\n"
        "    found.append([u.username for u in user.blocked.all()])",
        [("n_plus_one", f"{N}.PUser.blocked", "blocked")],
    ),
    # django-zeal test_nplusones.py::test_detects_nplusone_in_reverse_many_to_many_with_no_related_name
    (
        "zeal-reverse-m2m-no-related-name",
        "for user in PUser.objects.all():\n"
        "    found.append([u.username for u in user.puser_set.all()])",
        [("n_plus_one", f"{N}.PUser.puser_set", "puser_set")],
    ),
    # django-zeal test_nplusones.py::test_detects_nplusone_due_to_deferred_fields
    (
        "zeal-deferred",
        'for post in PPost.objects.all().select_related("author").only("author__id"):\n'
        "    found.append(post.author.username)",
        [("n_plus_one", f"{N}.PUser.username", "author__username")],
    ),
    # django-zeal test_nplusones.py::test_detects_nplusone_due_to_deferred_fields_in_iterator
    (
        "zeal-deferred-iterator",
        "for post in (\n"
        '    PPost.objects.all().select_related("author").only("author__id").iterator(chunk_size=2)\n'
        "):\n"
        "    found.append(post.author.username)",
        [("n_plus_one", f"{N}.PUser.username", "author__username")],
    ),
    # django-zeal test_nplusones.py::test_detects_nplusone_in_generic_relation
    (
        "zeal-generic-relation",
        "for user in PUser.objects.all():\n    found.append([t.label for t in user.tags.all()])",
        [("n_plus_one", f"{N}.PUser.tags", "tags")],
    ),
    # django-zeal test_nplusones.py::test_detects_nplusone_in_generic_relation_iterator
    (
        "zeal-generic-relation-iterator",
        "for user in PUser.objects.all().iterator(chunk_size=2):\n"
        "    found.append([t.label for t in user.tags.all()])",
        [("n_plus_one", f"{N}.PUser.tags", "tags")],
    ),
    # django-zeal test_nplusones.py::test_detects_nplusone_in_generic_foreign_key
    (
        "zeal-generic-fk",
        "for tag in PTag.objects.all():\n    found.append(tag.obj.username)",
        [("n_plus_one", f"{N}.PTag.obj", "obj")],
    ),
    # django-zeal test_nplusones.py::test_detects_nplusone_in_generic_foreign_key_iterator
    (
        "zeal-generic-fk-iterator",
        "for tag in PTag.objects.all().iterator(chunk_size=2):\n    found.append(tag.obj.username)",
        [("n_plus_one", f"{N}.PTag.obj", "obj")],
    ),
    # django-zeal test_nplusones.py::TestPrefetchRelatedObjects::test_reverse_many_to_one_per_instance_is_n_plus_one
    (
        "zeal-prefetch-objects-reverse-fk",
        "users = list(PUser.objects.all())\n"
        "for user in users:\n"
        '    prefetch_related_objects([user], "posts")\n'
        "found.extend(p.text for user in users for p in user.posts.all())",
        [("n_plus_one", f"{N}.PUser.posts", "posts")],
    ),
    # django-zeal test_nplusones.py::TestPrefetchRelatedObjects::test_forward_many_to_one_per_instance_is_n_plus_one
    (
        "zeal-prefetch-objects-forward-fk",
        "posts = list(PPost.objects.all())\n"
        "for post in posts:\n"
        '    prefetch_related_objects([post], "author")\n'
        "found.extend(post.author.username for post in posts)",
        [("n_plus_one", f"{N}.PPost.author", "author")],
    ),
    # django-zeal test_nplusones.py::TestPrefetchRelatedObjects::test_reverse_one_to_one_per_instance_is_n_plus_one
    (
        "zeal-prefetch-objects-reverse-o2o",
        "users = list(PUser.objects.all())\n"
        "for user in users:\n"
        '    prefetch_related_objects([user], "profile")\n'
        "found.extend(user.profile.display_name for user in users)",
        [("n_plus_one", f"{N}.PUser.profile", "profile")],
    ),
    # django-zeal test_nplusones.py::TestPrefetchRelatedObjects::test_forward_many_to_many_per_instance_is_n_plus_one
    (
        "zeal-prefetch-objects-forward-m2m",
        "users = list(PUser.objects.all())\n"
        "for user in users:\n"
        '    prefetch_related_objects([user], "following")\n'
        "found.extend(u.username for user in users for u in user.following.all())",
        [("n_plus_one", f"{N}.PUser.following", "following")],
    ),
    # django-zeal test_nplusones.py::TestPrefetchRelatedObjects::test_reverse_many_to_many_per_instance_is_n_plus_one
    (
        "zeal-prefetch-objects-reverse-m2m",
        "users = list(PUser.objects.all())\n"
        "for user in users:\n"
        '    prefetch_related_objects([user], "followers")\n'
        "found.extend(u.username for user in users for u in user.followers.all())",
        [("n_plus_one", f"{N}.PUser.followers", "followers")],
    ),
    # django-zeal test_nplusones.py::TestPrefetchRelatedObjects::test_generic_relation_per_instance_is_n_plus_one
    (
        "zeal-prefetch-objects-generic-relation",
        "users = list(PUser.objects.all())\n"
        "for user in users:\n"
        '    prefetch_related_objects([user], "tags")\n'
        "found.extend(t.label for user in users for t in user.tags.all())",
        [("n_plus_one", f"{N}.PUser.tags", "tags")],
    ),
    # django-zeal test_nplusones.py::TestPrefetchRelatedObjects::test_per_instance_in_iterator_loop_is_n_plus_one
    (
        "zeal-prefetch-objects-iterator",
        "for user in PUser.objects.iterator(chunk_size=1):\n"
        '    prefetch_related_objects([user], "posts")\n'
        "    found.extend(p.text for p in user.posts.all())",
        [("n_plus_one", f"{N}.PUser.posts", "posts")],
    ),
]


@pytest.mark.usefixtures("social")
@pytest.mark.parametrize(("body", "expected"), [c[1:] for c in REPORTED], ids=[c[0] for c in REPORTED])
def test_what_the_peer_reports_we_report_and_fix(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    body: str,
    expected: list[tuple[str, str | None, str | None]],
) -> None:
    applied = apply_fixes(tmp_path, monkeypatch, module(P_IMPORTS, body))
    fixed(applied, expected)
