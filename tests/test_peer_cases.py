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
from django.test import Client

import ormwatch
from tests.fix_support import Applied, apply_fixes
from tests.testapp.models import (
    Blog,
    Category,
    Comment,
    Entry,
    Person,
    Pizza,
    Post,
    PPost,
    PProfile,
    Profile,
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


@pytest.fixture
def people(db: None) -> None:
    for i in range(3):
        person = Person.objects.create(name=f"person {i}")
        Profile.objects.create(person=person, bio=f"bio {i}")
        Entry.objects.create(headline=f"entry {i}", body=f"body {i}")


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
@pytest.mark.parametrize(
    ("body", "expected"), [c[1:] for c in REPORTED], ids=[c[0] for c in REPORTED]
)
def test_what_the_peer_reports_we_report_and_fix(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    body: str,
    expected: list[tuple[str, str | None, str | None]],
) -> None:
    applied = apply_fixes(tmp_path, monkeypatch, module(P_IMPORTS, body))
    fixed(applied, expected)


# (id, code): the peer labels it clean; we report nothing and write no patch.
CLEAN = [
    # django-zeal test_nplusones.py::test_detects_nplusone_in_forward_many_to_one (the fixed half)
    (
        "zeal-forward-fk-select-related",
        'for post in PPost.objects.select_related("author").all():\n'
        "    found.append(post.author.username)",
    ),
    # django-zeal test_nplusones.py::test_detects_nplusone_in_forward_many_to_one_iterator (fixed half)
    (
        "zeal-forward-fk-iterator-select-related",
        'for post in PPost.objects.select_related("author").iterator(chunk_size=2):\n'
        "    found.append(post.author.username)",
    ),
    # django-zeal test_nplusones.py::test_detects_nplusone_in_reverse_many_to_one_iterator (fixed half)
    (
        "zeal-reverse-fk-iterator-prefetch",
        'for user in PUser.objects.prefetch_related("posts").iterator(chunk_size=2):\n'
        "    found.append([p.text for p in user.posts.all()])",
    ),
    # django-zeal test_nplusones.py::test_handles_prefetch_instead_of_select_related_in_forward_many_to_one
    (
        "zeal-prefetch-instead-of-select-forward-fk",
        'for post in PPost.objects.prefetch_related("author").all():\n'
        "    found.append(post.author.username)",
    ),
    # django-zeal test_nplusones.py::test_handles_prefetch_instead_of_select_related_in_forward_one_to_one
    (
        "zeal-prefetch-instead-of-select-forward-o2o",
        'for profile in PProfile.objects.prefetch_related("user").all():\n'
        "    found.append(profile.user.username)",
    ),
    # django-zeal test_nplusones.py::test_handles_prefetch_instead_of_select_related_in_reverse_one_to_one
    (
        "zeal-prefetch-instead-of-select-reverse-o2o",
        'for user in PUser.objects.prefetch_related("profile").all():\n'
        "    found.append(user.profile.display_name)",
    ),
    # django-zeal test_nplusones.py::test_handles_prefetch_instead_of_select_related_with_deferred_fields
    (
        "zeal-prefetch-instead-of-select-deferred",
        'for post in PPost.objects.all().prefetch_related("author").only("author__username"):\n'
        "    found.append(post.author.username)",
    ),
    # django-zeal test_nplusones.py::test_no_false_positive_when_loading_single_object_forward_many_to_one
    # (its three zeal_context blocks: first(), [0], get())
    (
        "zeal-single-objects-forward-fk-first",
        "first, second = PPost.objects.order_by('pk')[:2]\n"
        "post_1 = PPost.objects.filter(pk=first.pk).first()\n"
        "post_2 = PPost.objects.filter(pk=second.pk).first()\n"
        "found.append(post_1.author.username)\n"
        "found.append(post_2.author.username)",
    ),
    (
        "zeal-single-objects-forward-fk-index",
        "first, second = PPost.objects.order_by('pk')[:2]\n"
        "post_1 = PPost.objects.filter(pk=first.pk).all()[0]\n"
        "post_2 = PPost.objects.filter(pk=second.pk).all()[0]\n"
        "found.append(post_1.author.username)\n"
        "found.append(post_2.author.username)",
    ),
    (
        "zeal-single-objects-forward-fk-get",
        "first, second = PPost.objects.order_by('pk')[:2]\n"
        "post_1 = PPost.objects.get(pk=first.pk)\n"
        "post_2 = PPost.objects.get(pk=second.pk)\n"
        "found.append(post_1.author.username)\n"
        "found.append(post_2.author.username)",
    ),
    # django-zeal test_nplusones.py::test_no_false_positive_when_loading_single_object_forward_one_to_one
    (
        "zeal-single-objects-forward-o2o",
        "first, second = PProfile.objects.order_by('pk')[:2]\n"
        "profile_1 = PProfile.objects.get(pk=first.pk)\n"
        "profile_2 = PProfile.objects.get(pk=second.pk)\n"
        "found.append(profile_1.user.username)\n"
        "found.append(profile_2.user.username)",
    ),
    # django-zeal test_nplusones.py::test_no_false_positive_when_loading_single_object_reverse_one_to_one
    (
        "zeal-single-objects-reverse-o2o",
        "first, second = PUser.objects.order_by('pk')[:2]\n"
        "user_1 = PUser.objects.filter(pk=first.pk).first()\n"
        "user_2 = PUser.objects.filter(pk=second.pk).first()\n"
        "found.append(user_1.profile.display_name)\n"
        "found.append(user_2.profile.display_name)",
    ),
    # django-zeal test_nplusones.py::test_no_false_positive_when_loading_single_object_forward_many_to_many
    (
        "zeal-single-objects-forward-m2m",
        "user_1, user_2 = PUser.objects.order_by('pk')[:2]\n"
        "found.append(user_1.following.first().username)\n"
        "found.append(user_2.following.first().username)\n"
        "found.append(user_1.following.all()[0].username)\n"
        "found.append(user_2.following.all()[0].username)",
    ),
    # django-zeal test_nplusones.py::test_no_false_positive_when_loading_single_object_reverse_many_to_many
    (
        "zeal-single-objects-reverse-m2m",
        "user_1, user_2 = PUser.objects.order_by('pk')[:2]\n"
        "found.append(user_1.followers.first().username)\n"
        "found.append(user_2.followers.first().username)",
    ),
    # django-zeal test_nplusones.py::test_no_false_positive_when_loading_single_object_generic_relation
    (
        "zeal-single-objects-generic-relation",
        "first, second = PUser.objects.order_by('pk')[:2]\n"
        "user_1 = PUser.objects.get(pk=first.pk)\n"
        "user_2 = PUser.objects.get(pk=second.pk)\n"
        "found.append([t.label for t in user_1.tags.all()])\n"
        "found.append([t.label for t in user_2.tags.all()])",
    ),
    # django-zeal test_nplusones.py::test_no_false_positive_when_loading_single_object_generic_foreign_key
    (
        "zeal-single-objects-generic-fk",
        "first, second = PTag.objects.order_by('pk')[:2]\n"
        "tag_1 = PTag.objects.get(pk=first.pk)\n"
        "tag_2 = PTag.objects.get(pk=second.pk)\n"
        "found.append(tag_1.obj.username)\n"
        "found.append(tag_2.obj.username)",
    ),
    # django-zeal test_nplusones.py::test_no_false_positive_when_calling_reverse_many_to_one_twice
    (
        "zeal-reverse-fk-queryset-twice",
        "user = PUser.objects.order_by('pk').first()\n"
        "queryset = user.posts.all()\n"
        "found.append([p.text for p in queryset])\n"
        "found.append([p.text for p in queryset])",
    ),
    # django-zeal test_nplusones.py::test_no_false_positive_when_calling_generic_relation_twice
    (
        "zeal-generic-relation-queryset-twice",
        "user = PUser.objects.order_by('pk').first()\n"
        "queryset = user.tags.all()\n"
        "found.append([t.label for t in queryset])\n"
        "found.append([t.label for t in queryset])",
    ),
    # django-zeal test_nplusones.py::test_no_false_positive_when_accessing_generic_foreign_key_twice
    (
        "zeal-generic-fk-twice",
        "tag = PTag.objects.order_by('pk').first()\n"
        "found.append(tag.obj.username)\n"
        "found.append(tag.obj.username)",
    ),
    # django-zeal test_nplusones.py::test_no_false_positive_on_get_on_different_lines
    (
        "zeal-get-on-different-lines",
        "first, second = PUser.objects.order_by('pk')[:2]\n"
        "found.append(PUser.objects.get(pk=first.pk).username)\n"
        "found.append(PUser.objects.get(pk=second.pk).username)",
    ),
    # django-zeal test_nplusones.py::test_ignores_calls_on_different_lines
    (
        "zeal-calls-on-different-lines",
        "user_1, user_2 = PUser.objects.order_by('pk')[:2]\n"
        "found.append([p.text for p in user_1.posts.all()])\n"
        "found.append([p.text for p in user_2.posts.all()])",
    ),
    # django-zeal test_nplusones.py::TestPrefetchRelatedObjects::test_bulk_is_not_n_plus_one
    (
        "zeal-prefetch-objects-bulk",
        "users = list(PUser.objects.all())\n"
        'prefetch_related_objects(users, "posts")\n'
        "found.extend(p.text for user in users for p in user.posts.all())",
    ),
    # django-zeal test_nplusones.py::TestPrefetchRelatedObjects::test_singly_loaded_prefetch_is_not_n_plus_one
    (
        "zeal-prefetch-objects-singly-loaded",
        "def prefetch_one(user):\n"
        '    prefetch_related_objects([user], "posts")\n'
        "    return [p.text for p in user.posts.all()]\n"
        "first, second = PUser.objects.order_by('pk')[:2]\n"
        "found.append(prefetch_one(PUser.objects.get(pk=first.pk)))\n"
        "found.append(prefetch_one(PUser.objects.get(pk=second.pk)))",
    ),
]


@pytest.mark.usefixtures("social")
@pytest.mark.parametrize("body", [c[1] for c in CLEAN], ids=[c[0] for c in CLEAN])
def test_what_the_peer_does_not_report_we_do_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str
) -> None:
    applied = apply_fixes(tmp_path, monkeypatch, module(P_IMPORTS, body))
    assert reported(applied.before.report) == [], applied.before.report.findings
    assert applied.patch == ""


# django-zeal test_nplusones.py::test_has_configurable_threshold
@pytest.mark.usefixtures("social")
def test_a_higher_threshold_is_respected(settings: object) -> None:
    settings.ORMWATCH = {"N_PLUS_ONE_THRESHOLD": 5}  # type: ignore[attr-defined]
    with ormwatch.watch() as report:
        for post in PPost.objects.all():
            _ = post.author.username
    assert reported(report) == []
    settings.ORMWATCH = {"N_PLUS_ONE_THRESHOLD": 4}  # type: ignore[attr-defined]
    with ormwatch.watch() as report:
        for post in PPost.objects.all():
            _ = post.author.username
    assert reported(report) == [("n_plus_one", f"{N}.PPost.author", "author")]


# django-zeal test_nplusones.py::test_detects_nplusone_on_get
@pytest.mark.usefixtures("social")
def test_get_once_per_item_of_a_loop_is_an_n_plus_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = module(
        P_IMPORTS,
        "users = list(PUser.objects.order_by('pk'))\n"
        "for user in users:\n"
        "    found.append(PUser.objects.get(pk=user.pk).username)",
    )
    applied = apply_fixes(tmp_path, monkeypatch, source)
    assert reported(applied.before.report) == [("n_plus_one", None, None)]
    (finding,) = applied.before.report.findings
    assert finding.query_count == 4
    assert finding.details["shape"] == "get_in_loop"
    assert finding.call_site is not None
    assert finding.call_site.code == "found.append(PUser.objects.get(pk=user.pk).username)"
    # Rewriting the loop is not exact (its items may be read once; a missing row would
    # raise KeyError): the fix is said in words, and no patch is written.
    assert finding.fix is None
    assert finding.edits == ()
    assert applied.patch == ""
    assert "PUser.objects.in_bulk()" in finding.message
    assert "filter(pk__in=)" in finding.message


# Issue 15 item 10: an iterator() loop names the statement that built its queryset, following
# the loop's variable back (another queryset of the model may be built in between).
@pytest.mark.usefixtures("social")
@pytest.mark.parametrize(
    "loop",
    [
        "for post in posts.iterator(chunk_size=2):\n    found.append(post.author.username)",
        "found.extend([post.author.username for post in posts.iterator(chunk_size=2)])",
        "chunked = posts.order_by('pk')\n"
        "for post in chunked.iterator(chunk_size=2):\n"
        "    found.append(post.author.username)",
    ],
    ids=["for", "comprehension", "two-names"],
)
def test_an_iterator_loop_gets_the_line_that_built_its_queryset(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, loop: str
) -> None:
    body = (
        "posts = PPost.objects.all()\n"
        "found.append(PPost.objects.filter(text='none').count())\n" + loop
    )
    applied = apply_fixes(tmp_path, monkeypatch, module(P_IMPORTS, body))
    fixed(applied, [("n_plus_one", f"{N}.PPost.author", "author")])
    (finding,) = applied.before.report.findings
    assert finding.origin is not None
    assert finding.origin.code == "posts = PPost.objects.all()"
    assert 'posts = PPost.objects.select_related("author").all()' in applied.source


# Issue 15 item 10: eager_load_ignored names its relation and path (it had relation=None).
@pytest.mark.usefixtures("social")
def test_an_ignored_eager_load_names_its_relation_and_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = 'found.extend(PPost.objects.select_related("author").values_list("text", flat=True))'
    applied = apply_fixes(tmp_path, monkeypatch, module(P_IMPORTS, body))
    fixed(applied, [("eager_load_ignored", f"{N}.PPost.author", "author")])
    assert applied.before.report.to_dict()["findings"][0]["path"] == "author"


# Issue 15 item 10: len(obj.related.all()) on one object fetches every row to count them.
@pytest.mark.usefixtures("social")
def test_len_of_one_objects_related_rows_is_a_count(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = "user = PUser.objects.order_by('pk').first()\nfound.append(len(user.posts.all()))"
    applied = apply_fixes(tmp_path, monkeypatch, module(P_IMPORTS, body))
    fixed(applied, [("full_fetch_for_count", f"{N}.PUser.posts", "posts")])
    assert "found.append(user.posts.all().count())" in applied.source


# Issue 15 item 10: the same len() once per object of a loop is the N+1 (a prefetch makes len()
# free), not a count per object.
@pytest.mark.usefixtures("social")
def test_len_of_related_rows_in_a_loop_is_the_n_plus_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = "for user in PUser.objects.all():\n    found.append(len(user.posts.all()))"
    applied = apply_fixes(tmp_path, monkeypatch, module(P_IMPORTS, body))
    fixed(applied, [("n_plus_one", f"{N}.PUser.posts", "posts")])


B_IMPORTS = "from tests.testapp.models import Blog, Category, Comment, Post"


# Issue 15 item 10: filter() on a prefetched generic relation bypasses the prefetch: it is not
# an N+1 whose fix is the prefetch already there.
@pytest.mark.usefixtures("blogs")
def test_a_filter_on_a_prefetched_generic_relation_is_prefetch_bypassed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = (
        'for post in Post.objects.prefetch_related("comments").order_by("pk"):\n'
        '    found.append([c.text for c in post.comments.filter(text="first")])'
    )
    applied = apply_fixes(tmp_path, monkeypatch, module(B_IMPORTS, body))
    fixed(applied, [("prefetch_bypassed", f"{N}.Post.comments", "comments")])


# The same filter() without the prefetch stays an N+1 (a prefetch of another list of posts
# earlier does not make it a bypass: all() reads no cache it lacks).
@pytest.mark.usefixtures("blogs")
def test_all_on_a_generic_relation_after_another_prefetch_is_still_an_n_plus_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = (
        'found.append(len(list(Post.objects.prefetch_related("comments")[:1])))\n'
        'for post in Post.objects.order_by("pk"):\n'
        "    found.append([c.text for c in post.comments.all()])"
    )
    applied = apply_fixes(tmp_path, monkeypatch, module(B_IMPORTS, body))
    fixed(applied, [("n_plus_one", f"{N}.Post.comments", "comments")])


# Issue 15 item 10: a nested N+1 names the relation that repeats deepest and the full path,
# whether the first hop was loaded lazily too or by select_related().
@pytest.mark.usefixtures("blogs")
@pytest.mark.parametrize(
    "posts",
    ['Post.objects.order_by("pk")', 'Post.objects.select_related("category").order_by("pk")'],
    ids=["lazy-first-hop", "select-related-first-hop"],
)
def test_a_nested_n_plus_one_names_the_last_hop_and_the_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, posts: str
) -> None:
    body = f"for post in {posts}:\n    found.append(post.category.blog.name)"
    applied = apply_fixes(tmp_path, monkeypatch, module(B_IMPORTS, body))
    fixed(applied, [("n_plus_one", f"{N}.Category.blog", "category__blog")])


# nplusone (tests/testapp/testapp/tests.py and views.py). Its models map onto ours: User ->
# PUser, Occupation.user (one-to-one) -> PProfile.user, Address.user -> PPost.author (and
# User.addresses -> PUser.posts), Pet.user -> PPost.author, Hobby.users -> PUser.followers,
# User.hobbies -> PUser.following, Allergy.pets (no related name) -> PUser.blocked / puser_set.
NPLUSONE_REPORTED = [
    # nplusone tests.py::TestOneToOne::test_one_to_one (a lazy load per row: in a loop)
    (
        "nplusone-one-to-one",
        "for profile in PProfile.objects.all():\n    found.append(profile.user.pk)",
        [("n_plus_one", f"{N}.PProfile.user", "user")],
    ),
    # nplusone tests.py::TestOneToOne::test_one_to_one_reverse
    (
        "nplusone-one-to-one-reverse",
        "for user in PUser.objects.all():\n    found.append(user.profile.pk)",
        [("n_plus_one", f"{N}.PUser.profile", "profile")],
    ),
    # nplusone tests.py::TestManyToOne::test_many_to_one
    (
        "nplusone-many-to-one",
        "for post in PPost.objects.all():\n    found.append(post.author.pk)",
        [("n_plus_one", f"{N}.PPost.author", "author")],
    ),
    # nplusone tests.py::TestManyToMany::test_many_to_many
    (
        "nplusone-many-to-many",
        "for user in PUser.objects.all():\n    found.append([u.pk for u in user.following.all()])",
        [("n_plus_one", f"{N}.PUser.following", "following")],
    ),
    # nplusone tests.py::TestManyToMany::test_many_to_many_reverse
    (
        "nplusone-many-to-many-reverse",
        "for user in PUser.objects.all():\n    found.append([u.pk for u in user.followers.all()])",
        [("n_plus_one", f"{N}.PUser.followers", "followers")],
    ),
    # nplusone tests.py::TestIntegration::test_prefetch_one_to_one_unused (views.py
    # prefetch_one_to_one_unused; over the list: an unused eager load is reported only when
    # it loaded rows for two objects or more)
    (
        "nplusone-prefetch-one-to-one-unused",
        'users = list(PUser.objects.all().prefetch_related("profile"))\n'
        "found.append(users[0].username)",
        [("unused_eager_load", f"{N}.PUser.profile", "profile")],
    ),
    # nplusone tests.py::TestIntegration::test_prefetch_many_to_many_unused
    (
        "nplusone-prefetch-many-to-many-unused",
        'users = list(PUser.objects.all().prefetch_related("following"))\n'
        "found.append(users[0].username)",
        [("unused_eager_load", f"{N}.PUser.following", "following")],
    ),
    # nplusone tests.py::TestIntegration::test_select_one_to_one_unused
    (
        "nplusone-select-one-to-one-unused",
        'users = list(PUser.objects.all().select_related("profile"))\n'
        "found.append(users[0].username)",
        [("unused_eager_load", f"{N}.PUser.profile", "profile")],
    ),
    # nplusone tests.py::TestIntegration::test_select_many_to_one_unused
    (
        "nplusone-select-many-to-one-unused",
        'posts = list(PPost.objects.all().select_related("author"))\nfound.append(posts[0].text)',
        [("unused_eager_load", f"{N}.PPost.author", "author")],
    ),
    # nplusone tests.py::TestIntegration::test_prefetch_nested_unused (nplusone logs Pet.user and
    # User.occupation; one finding here: its fix removes the whole lookup)
    (
        "nplusone-prefetch-nested-unused",
        'posts = list(PPost.objects.all().prefetch_related("author__profile"))\n'
        "found.append(posts[0].text)",
        [("unused_eager_load", f"{N}.PPost.author", "author")],
    ),
    # nplusone tests.py::TestIntegration::test_select_nested_unused (one finding, as above)
    (
        "nplusone-select-nested-unused",
        'posts = list(PPost.objects.all().select_related("author__profile"))\n'
        "found.append(posts[0].text)",
        [("unused_eager_load", f"{N}.PPost.author", "author")],
    ),
]

NPLUSONE_CLEAN = [
    # nplusone tests.py::TestOneToOne::test_one_to_one_select
    (
        "nplusone-one-to-one-select",
        'profile = PProfile.objects.select_related("user").first()\nfound.append(profile.user.pk)',
    ),
    # nplusone tests.py::TestOneToOne::test_one_to_one_prefetch
    (
        "nplusone-one-to-one-prefetch",
        'profile = PProfile.objects.prefetch_related("user").first()\n'
        "found.append(profile.user.pk)",
    ),
    # nplusone tests.py::TestManyToOne::test_many_to_one_select
    (
        "nplusone-many-to-one-select",
        'posts = list(PPost.objects.select_related("author").all())\n'
        "found.extend(p.author.pk for p in posts)",
    ),
    # nplusone tests.py::TestManyToOne::test_many_to_one_prefetch
    (
        "nplusone-many-to-one-prefetch",
        'posts = list(PPost.objects.prefetch_related("author").all())\n'
        "found.extend(p.author.pk for p in posts)",
    ),
    # nplusone tests.py::TestManyToMany::test_many_to_many_prefetch
    (
        "nplusone-many-to-many-prefetch",
        'users = PUser.objects.all().prefetch_related("following")\n'
        "found.extend(u.pk for user in users for u in user.following.all())",
    ),
    # nplusone tests.py::TestManyToMany::test_many_to_many_reverse_prefetch
    (
        "nplusone-many-to-many-reverse-prefetch",
        'users = PUser.objects.all().prefetch_related("followers")\n'
        "found.extend(u.pk for user in users for u in user.followers.all())",
    ),
    # nplusone tests.py::TestIntegration::test_one_to_one (views.py one_to_one: one lazy load
    # of one row of a list; one query, no N+1 until it repeats; nplusone logs it)
    (
        "nplusone-one-lazy-load-of-a-list",
        "profiles = list(PProfile.objects.all())\nfound.append(profiles[0].user.pk)",
    ),
    # nplusone tests.py::TestIntegration::test_one_to_one_first
    (
        "nplusone-one-to-one-first",
        "profile = PProfile.objects.first()\nfound.append(profile.user.pk)",
    ),
    # nplusone tests.py::TestIntegration::test_one_to_many
    (
        "nplusone-one-to-many",
        'users = PUser.objects.all().prefetch_related("posts")\n'
        "found.append([p.text for p in users[0].posts.all()])",
    ),
    # nplusone tests.py::TestIntegration::test_many_to_many_get
    (
        "nplusone-many-to-many-get",
        "user = PUser.objects.order_by('pk')[0]\n"
        "user = PUser.objects.get(pk=user.pk)\n"
        "found.append([u.pk for u in user.following.all()])",
    ),
    # nplusone tests.py::TestIntegration::test_prefetch_one_to_one
    (
        "nplusone-prefetch-one-to-one",
        'users = PUser.objects.all().select_related("profile")\nfound.append(str(users[0].profile))',
    ),
    # nplusone tests.py::TestIntegration::test_prefetch_many_to_many
    (
        "nplusone-prefetch-many-to-many",
        'users = list(PUser.objects.all().prefetch_related("following"))\n'
        "found.extend([u.pk for u in user.following.all()] for user in users)",
    ),
    # nplusone tests.py::TestIntegration::test_prefetch_many_to_many_impossible
    (
        "nplusone-prefetch-many-to-many-impossible",
        "user = PUser.objects.first()\n"
        "users = list(PUser.objects.all())\n"
        "found.append(len(users))\n"
        "found.append([u.pk for u in user.following.all()])",
    ),
    # nplusone tests.py::TestIntegration::test_prefetch_many_to_many_impossible_one
    (
        "nplusone-prefetch-many-to-many-impossible-one",
        "user = PUser.objects.get(pk=PUser.objects.order_by('pk')[0].pk)\n"
        "users = list(PUser.objects.all())\n"
        "found.append(len(users))\n"
        "found.append([u.pk for u in user.following.all()])",
    ),
    # nplusone tests.py::TestIntegration::test_prefetch_many_to_many_render
    (
        "nplusone-prefetch-many-to-many-render",
        "from django.template import Context, Template\n"
        'users = PUser.objects.all().prefetch_related("following")\n'
        "template = Template(\n"
        '    "{% for user in users %}{% for f in user.following.all %}{{ f.id }} '
        '{% endfor %}{% endfor %}"\n'
        ")\n"
        'found.append(template.render(Context({"users": users})))',
    ),
    # nplusone tests.py::TestIntegration::test_prefetch_many_to_many_single
    (
        "nplusone-prefetch-many-to-many-single",
        'users = PUser.objects.all().prefetch_related("followers")\n'
        "found.append(users[0].followers.all()[0].pk)",
    ),
    # nplusone tests.py::TestIntegration::test_prefetch_many_to_many_no_related_name
    (
        "nplusone-prefetch-many-to-many-no-related-name",
        'users = PUser.objects.all().prefetch_related("puser_set")\n'
        "found.append(users[0].puser_set.all()[0].pk)",
    ),
    # nplusone tests.py::TestIntegration::test_select_one_to_one
    (
        "nplusone-select-one-to-one",
        'users = PUser.objects.all().select_related("profile")\nfound.append(str(users[0].profile))',
    ),
    # nplusone tests.py::TestIntegration::test_select_many_to_one
    (
        "nplusone-select-many-to-one",
        'posts = list(PPost.objects.all().select_related("author"))\n'
        "found.append(posts[0].author.pk if posts else None)",
    ),
    # nplusone tests.py::TestIntegration::test_prefetch_nested
    (
        "nplusone-prefetch-nested",
        'posts = list(PPost.objects.all().prefetch_related("author__profile"))\n'
        "found.append(str(posts[0].author.profile))",
    ),
    # nplusone tests.py::TestIntegration::test_select_nested
    (
        "nplusone-select-nested",
        'posts = list(PPost.objects.all().select_related("author__profile"))\n'
        "found.append(str(posts[0].author.profile))",
    ),
    # nplusone tests.py::test_values
    ("nplusone-values", 'found.extend(PUser.objects.values("id"))'),
]


@pytest.mark.usefixtures("social")
@pytest.mark.parametrize(
    ("body", "expected"), [c[1:] for c in NPLUSONE_REPORTED], ids=[c[0] for c in NPLUSONE_REPORTED]
)
def test_what_nplusone_reports_we_report_and_fix(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    body: str,
    expected: list[tuple[str, str | None, str | None]],
) -> None:
    applied = apply_fixes(tmp_path, monkeypatch, module(P_IMPORTS, body))
    fixed(applied, expected)


@pytest.mark.usefixtures("social")
@pytest.mark.parametrize("body", [c[1] for c in NPLUSONE_CLEAN], ids=[c[0] for c in NPLUSONE_CLEAN])
def test_what_nplusone_does_not_report_we_do_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str
) -> None:
    applied = apply_fixes(tmp_path, monkeypatch, module(P_IMPORTS, body))
    assert reported(applied.before.report) == [], applied.before.report.findings
    assert applied.patch == ""


# nplusone tests.py::TestIntegration::test_prefetch_many_to_many_empty and
# test_select_many_to_one_empty: nothing to load, nothing reported.
@pytest.mark.parametrize(
    "body",
    [
        'users = list(PUser.objects.all().prefetch_related("following"))\n'
        "found.extend([u.pk for u in user.following.all()] for user in users)",
        'posts = list(PPost.objects.all().select_related("author"))\n'
        "found.append(posts[0].author.pk if posts else None)",
    ],
    ids=["prefetch-many-to-many-empty", "select-many-to-one-empty"],
)
def test_empty_lists_report_nothing(
    db: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str
) -> None:
    applied = apply_fixes(tmp_path, monkeypatch, module(P_IMPORTS, body))
    assert reported(applied.before.report) == []


# nplusone tests.py::TestIntegration::test_many_to_many_whitelist: a rule silences the model.
@pytest.mark.usefixtures("social")
def test_an_ignore_rule_silences_the_relation(settings: object) -> None:
    settings.ORMWATCH = {"IGNORE": [{"relation": "testapp.PUser.*"}]}  # type: ignore[attr-defined]
    with ormwatch.watch() as report:
        for user in PUser.objects.all():
            _ = list(user.following.all())
    assert reported(report) == []


# django-seal (tests/test_query.py) raises on any lazy load of a sealed instance; we report the
# same access once it repeats over the rows of a list. SeaLion/Location/SeaGull map onto
# Post/Category/Blog, Pizza/Topping/Restaurant, Person/Profile and Comment (generic).
OTHER_IMPORTS = (
    "from django.db.models import Prefetch\n\n"
    "from tests.testapp.models import (\n"
    "    Blog, Category, Comment, Entry, Person, Pizza, Post, Profile, Restaurant, Topping,\n"
    ")"
)
SEAL_REPORTED = [
    # django-seal test_query.py::SealableQuerySetTests::test_sealed_foreign_key
    (
        "seal-foreign-key",
        'for post in Post.objects.order_by("pk"):\n    found.append(post.category.name)',
        [("n_plus_one", f"{N}.Post.category", "category")],
    ),
    # django-seal test_query.py::SealableQuerySetTests::test_sealed_select_related_foreign_key
    (
        "seal-select-related-foreign-key",
        'for post in Post.objects.select_related("category").order_by("pk"):\n'
        "    found.append(post.category.blog.name)",
        [("n_plus_one", f"{N}.Category.blog", "category__blog")],
    ),
    # django-seal test_query.py::SealableQuerySetTests::test_sealed_deferred_field
    (
        "seal-deferred-field",
        'for entry in Entry.objects.defer("body").order_by("pk"):\n    found.append(entry.body)',
        [("n_plus_one", f"{N}.Entry.body", "body")],
    ),
    # django-seal test_query.py::SealableQuerySetTests::test_sealed_select_related_deferred_field
    (
        "seal-select-related-deferred-field",
        'posts = Post.objects.select_related("category__blog").only("category__blog__id")\n'
        'for post in posts.order_by("pk"):\n'
        "    found.append(post.category.blog.name)",
        [("n_plus_one", f"{N}.Blog.name", "category__blog__name")],
    ),
    # django-seal test_query.py::SealableQuerySetTests::test_sealed_one_to_one
    (
        "seal-one-to-one",
        'for profile in Profile.objects.order_by("pk"):\n    found.append(profile.person.name)',
        [("n_plus_one", f"{N}.Profile.person", "person")],
    ),
    # django-seal test_query.py::SealableQuerySetTests::test_sealed_many_to_many
    (
        "seal-many-to-many",
        'for pizza in Pizza.objects.order_by("pk"):\n'
        "    found.append(sorted(t.name for t in pizza.toppings.all()))",
        [("n_plus_one", f"{N}.Pizza.toppings", "toppings")],
    ),
    # django-seal test_query.py::SealableQuerySetTests::test_sealed_string_prefetched_many_to_many
    (
        "seal-string-prefetched-many-to-many",
        'for restaurant in Restaurant.objects.prefetch_related("pizzas").order_by("pk"):\n'
        "    for pizza in restaurant.pizzas.all():\n"
        "        found.append(sorted(t.name for t in pizza.toppings.all()))",
        [("n_plus_one", f"{N}.Pizza.toppings", "pizzas__toppings")],
    ),
    # django-seal test_query.py::SealableQuerySetTests::test_sealed_prefetch_queryset_prefetched_many_to_many
    (
        "seal-prefetch-queryset-prefetched-many-to-many",
        "restaurants = Restaurant.objects.prefetch_related(\n"
        '    Prefetch("pizzas", Pizza.objects.order_by("name"))\n'
        ').order_by("pk")\n'
        "for restaurant in restaurants:\n"
        "    for pizza in restaurant.pizzas.all():\n"
        "        found.append(sorted(t.name for t in pizza.toppings.all()))",
        # the fix goes into the Prefetch's own queryset, of Pizza
        [("n_plus_one", f"{N}.Pizza.toppings", "toppings")],
    ),
    # django-seal test_query.py::SealableQuerySetTests::test_sealed_generic_foreign_key
    (
        "seal-generic-foreign-key",
        'for comment in Comment.objects.order_by("pk"):\n'
        "    found.append(comment.content_object.title)",
        [("n_plus_one", f"{N}.Comment.content_object", "content_object")],
    ),
    # django-seal test_query.py::SealableQuerySetTests::test_sealed_reverse_foreign_key
    (
        "seal-reverse-foreign-key",
        'for blog in Blog.objects.order_by("pk"):\n'
        "    found.append(sorted(c.name for c in blog.category.all()))",
        [("n_plus_one", f"{N}.Blog.category", "category")],
    ),
    # django-seal test_query.py::SealableQuerySetTests::test_sealed_reverse_many_to_many
    (
        "seal-reverse-many-to-many",
        'for topping in Topping.objects.order_by("pk"):\n'
        "    found.append(sorted(p.name for p in topping.pizza_set.all()))",
        [("n_plus_one", f"{N}.Topping.pizza_set", "pizza_set")],
    ),
    # django-seal test_query.py::SealableQuerySetTests::test_sealed_generic_relation
    (
        "seal-generic-relation",
        'for post in Post.objects.order_by("pk"):\n'
        "    found.append(sorted(c.text for c in post.comments.all()))",
        [("n_plus_one", f"{N}.Post.comments", "comments")],
    ),
]

SEAL_CLEAN = [
    # django-seal test_query.py::SealableQuerySetTests::test_sealed_select_related_foreign_key
    # (its last, clean, step)
    (
        "seal-select-related-nested",
        'for post in Post.objects.select_related("category__blog").order_by("pk"):\n'
        "    found.append(post.category.blog.name)",
    ),
    # django-seal test_query.py::SealableQuerySetTests::test_not_sealed_foreign_key
    (
        "seal-not-sealed-foreign-key",
        "post = Post.objects.first()\nfound.append(post.category.name)",
    ),
    # django-seal test_query.py::SealableQuerySetTests::test_sealed_select_related_one_to_one
    (
        "seal-select-related-one-to-one",
        'for profile in Profile.objects.select_related("person").order_by("pk"):\n'
        "    found.append(profile.person.name)",
    ),
    # django-seal test_query.py::SealableQuerySetTests::test_sealed_select_related_reverse_one_to_one
    (
        "seal-select-related-reverse-one-to-one",
        'for person in Person.objects.select_related("profile").order_by("pk"):\n'
        "    found.append(person.profile.bio)",
    ),
    # django-seal test_query.py::SealableQuerySetTests::test_sealed_string_prefetched_nested_many_to_many
    (
        "seal-string-prefetched-nested-many-to-many",
        'restaurants = Restaurant.objects.prefetch_related("pizzas__toppings").order_by("pk")\n'
        "for restaurant in restaurants:\n"
        "    for pizza in restaurant.pizzas.all():\n"
        "        found.append(sorted(t.name for t in pizza.toppings.all()))",
    ),
    # django-seal test_query.py::SealableQuerySetTests::test_sealed_prefetch_related_generic_foreign_key
    (
        "seal-prefetch-related-generic-foreign-key",
        'for comment in Comment.objects.prefetch_related("content_object").order_by("pk"):\n'
        "    found.append(comment.content_object.title)",
    ),
    # django-seal test_query.py::SealableQuerySetTests::test_sealed_prefetched_reverse_foreign_key
    (
        "seal-prefetched-reverse-foreign-key",
        'for blog in Blog.objects.prefetch_related("category").order_by("pk"):\n'
        "    found.append(sorted(c.name for c in blog.category.all()))",
    ),
    # django-seal test_query.py::SealableQuerySetTests::test_sealed_prefetched_reverse_many_to_many
    (
        "seal-prefetched-reverse-many-to-many",
        'for topping in Topping.objects.prefetch_related("pizza_set").order_by("pk"):\n'
        "    found.append(sorted(p.name for p in topping.pizza_set.all()))",
    ),
    # django-seal test_query.py::SealableQuerySetTests::test_sealed_prefetched_generic_relation
    (
        "seal-prefetched-generic-relation",
        'for post in Post.objects.prefetch_related("comments").order_by("pk"):\n'
        "    found.append(sorted(c.text for c in post.comments.all()))",
    ),
    # django-seal test_query.py::SealableQuerySetTests::test_sealed_many_to_many_queryset
    (
        "seal-many-to-many-queryset",
        "pizza = Pizza.objects.order_by('pk').first()\n"
        "topping = pizza.toppings.order_by('pk').first()\n"
        "found.append(pizza.toppings.get(pk=topping.pk).name)",
    ),
]


# django-query-profiler (tests/integration/test_query_signature_analyze.py): Pizza, Topping and
# Restaurant are its models (is_spicy -> spicy).
PROFILER_REPORTED = [
    # django-query-profiler test_query_signature_analyze.py::test_missing_prefetch
    (
        "profiler-missing-prefetch",
        "for pizza in Pizza.objects.all():\n"
        "    found.append((pizza.name, sorted(t.name for t in pizza.toppings.all())))",
        [("n_plus_one", f"{N}.Pizza.toppings", "toppings")],
    ),
    # django-query-profiler test_query_signature_analyze.py::test_spicy_toppings_python_filtering
    # (step 1: MISSING_PREFETCH_RELATED)
    (
        "profiler-python-filtering-missing-prefetch",
        "for pizza in Pizza.objects.all():\n"
        "    found.append(sorted(t.name for t in pizza.toppings.all() if t.spicy))",
        [("n_plus_one", f"{N}.Pizza.toppings", "toppings")],
    ),
    # django-query-profiler test_query_signature_analyze.py::test_spicy_toppings_db_filtering
    # (step 2: FILTER on a prefetched relation)
    (
        "profiler-db-filtering-prefetched",
        'for pizza in Pizza.objects.prefetch_related("toppings").all():\n'
        "    found.append(sorted(t.name for t in pizza.toppings.filter(spicy=True)))",
        [("prefetch_bypassed", f"{N}.Pizza.toppings", "toppings")],
    ),
    # django-query-profiler test_query_signature_analyze.py::test_missing_select_related (steps 2
    # and 3: the restaurants prefetched, best_pizza and its toppings loaded per restaurant)
    (
        "profiler-missing-select-related",
        "pizza = Pizza.objects.prefetch_related('restaurants').get(name='Pepperoni')\n"
        "best = [restaurant.best_pizza for restaurant in pizza.restaurants.all()]\n"
        "found.extend(sorted(t.name for t in p.toppings.all()) for p in best)",
        [("n_plus_one", f"{N}.Pizza.toppings", "restaurants__best_pizza__toppings")],
    ),
]

PROFILER_CLEAN = [
    # django-query-profiler test_query_signature_analyze.py::test_after_applying_prefetch
    (
        "profiler-after-applying-prefetch",
        'for pizza in Pizza.objects.prefetch_related("toppings").all():\n'
        "    found.append((pizza.name, sorted(t.name for t in pizza.toppings.all())))",
    ),
    # django-query-profiler test_query_signature_analyze.py::test_spicy_toppings_python_filtering
    # (step 2: PREFETCHED_RELATED)
    (
        "profiler-python-filtering-prefetched",
        'for pizza in Pizza.objects.prefetch_related("toppings").all():\n'
        "    found.append(sorted(t.name for t in pizza.toppings.all() if t.spicy))",
    ),
]


@pytest.mark.usefixtures("blogs", "pizzas", "people")
@pytest.mark.parametrize(
    ("body", "expected"),
    [c[1:] for c in SEAL_REPORTED + PROFILER_REPORTED],
    ids=[c[0] for c in SEAL_REPORTED + PROFILER_REPORTED],
)
def test_what_seal_and_the_profiler_report_we_report_and_fix(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    body: str,
    expected: list[tuple[str, str | None, str | None]],
) -> None:
    applied = apply_fixes(tmp_path, monkeypatch, module(OTHER_IMPORTS, body))
    fixed(applied, expected)


@pytest.mark.usefixtures("blogs", "pizzas", "people")
@pytest.mark.parametrize(
    "body",
    [c[1] for c in SEAL_CLEAN + PROFILER_CLEAN],
    ids=[c[0] for c in SEAL_CLEAN + PROFILER_CLEAN],
)
def test_what_seal_and_the_profiler_allow_we_do_not_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str
) -> None:
    applied = apply_fixes(tmp_path, monkeypatch, module(OTHER_IMPORTS, body))
    assert reported(applied.before.report) == [], applied.before.report.findings
    assert applied.patch == ""


# A related-manager call a prefetch does not serve (first() on an unordered model, filter()):
# reported, with no code fix (prefetch_related() would add a query and leave the loop as it was).
NO_CODE_FIX = [
    # nplusone tests.py::TestManyToOne::test_many_to_one_reverse
    (
        "nplusone-many-to-one-reverse",
        P_IMPORTS,
        "for user in PUser.objects.all():\n    found.append(str(user.posts.first()))",
        ("n_plus_one", f"{N}.PUser.posts", "posts"),
        "first()",
    ),
    # nplusone tests.py::TestIntegration::test_many_to_many_reverse_no_related_name
    (
        "nplusone-many-to-many-reverse-no-related-name",
        P_IMPORTS,
        "for user in PUser.objects.all():\n    found.append(str(user.puser_set.first()))",
        ("n_plus_one", f"{N}.PUser.puser_set", "puser_set"),
        "first()",
    ),
    # django-query-profiler test_query_signature_analyze.py::test_spicy_toppings_db_filtering
    # (step 1: FILTER, "no amount of prefetching would help")
    (
        "profiler-db-filtering",
        OTHER_IMPORTS,
        "for pizza in Pizza.objects.all():\n"
        "    found.append(sorted(t.name for t in pizza.toppings.filter(spicy=True)))",
        ("n_plus_one", f"{N}.Pizza.toppings", "toppings"),
        "filter()",
    ),
]


@pytest.mark.usefixtures("social", "pizzas")
@pytest.mark.parametrize(
    ("imports", "body", "expected", "method"),
    [c[1:] for c in NO_CODE_FIX],
    ids=[c[0] for c in NO_CODE_FIX],
)
def test_an_n_plus_one_a_prefetch_would_not_serve_gets_words_not_code(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    imports: str,
    body: str,
    expected: tuple[str, str, str],
    method: str,
) -> None:
    applied = apply_fixes(tmp_path, monkeypatch, module(imports, body))
    assert reported(applied.before.report) == [expected]
    (finding,) = applied.before.report.findings
    assert (finding.fix, finding.edits, applied.patch) == (None, (), "")
    assert f"a prefetch would not help: {method} on a related manager" in finding.message


# A first() a prefetch does serve: the related model is ordered, so first() reads the cache.
@pytest.mark.usefixtures("social")
def test_first_on_an_ordered_related_model_is_fixed_by_the_prefetch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = "for user in PUser.objects.all():\n    found.append(str(user.followers.first()))"
    monkeypatch.setattr(PUser._meta, "ordering", ["username"])
    applied = apply_fixes(tmp_path, monkeypatch, module(P_IMPORTS, body))
    fixed(applied, [("n_plus_one", f"{N}.PUser.followers", "followers")])


# django-zeal test_nplusones.py::test_works_in_web_requests: the N+1 of a request is reported;
# two requests for one user each (each loading that user's profile) are no N+1.
def test_requests_report_their_own_n_plus_one_and_are_not_grouped(
    client: Client, social: list[PUser]
) -> None:
    with ormwatch.watch() as report:
        response = client.get("/peers/users/")
    assert response.status_code == 200
    assert reported(report) == [("n_plus_one", f"{N}.PUser.profile", "profile")]
    (finding,) = report.findings
    assert finding.origin is not None
    assert finding.origin.path.endswith("tests/testapp/peer_views.py")
    assert finding.fix == (
        'names = [user.profile.display_name for user in PUser.objects.select_related("profile")'
        '.order_by("pk")]'
    )
    with ormwatch.watch() as report:
        first = client.get(f"/peers/user/{social[0].pk}/")
        second = client.get(f"/peers/user/{social[1].pk}/")
    assert (first.status_code, second.status_code) == (200, 200)
    assert reported(report) == []


# get() by another field names that field's __in lookup (in_bulk() needs a unique field).
@pytest.mark.usefixtures("social")
def test_get_by_another_field_in_a_loop_names_its_in_lookup() -> None:
    names = list(PUser.objects.order_by("pk").values_list("username", flat=True))
    with ormwatch.watch() as report:
        for name in names:
            _ = PUser.objects.get(username=name)
    (finding,) = report.findings
    assert finding.details == {"shape": "get_in_loop", "model": f"{N}.PUser", "lookup": "username"}
    assert "PUser.objects.filter(username__in=) given the list of values" in finding.message


# A loop over a variable assigned from something else (a helper's queryset) has no line of
# this function to change: no origin, and no edit at an unrelated PPost.objects line above it.
@pytest.mark.usefixtures("social")
def test_a_loop_over_a_queryset_from_elsewhere_gets_no_wrong_origin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = (
        "found.append(PPost.objects.filter(text='none').count())\n"
        "posts = sorted_posts()\n"
        "for post in posts.iterator(chunk_size=2):\n"
        "    found.append(post.author.username)"
    )
    source = module(P_IMPORTS, body) + (
        "\n\ndef sorted_posts():\n    return PPost.objects.order_by('pk')\n"
    )
    applied = apply_fixes(tmp_path, monkeypatch, source)
    assert reported(applied.before.report) == [("n_plus_one", f"{N}.PPost.author", "author")]
    (finding,) = applied.before.report.findings
    # The loop's own line, which cannot be rewritten: the fix is the chain alone, no edit.
    assert finding.origin is not None
    assert finding.origin.code == "for post in posts.iterator(chunk_size=2):"
    assert finding.fix == 'PPost.objects.select_related("author")'
    assert (finding.edits, applied.patch) == ((), "")
