"""One query where the code asked twice: a filter()/exclude() partition, and which side of an OR.

Each case writes a module, runs it under ``ormwatch.watch()``, applies
``report.patch()`` with ``git apply`` and runs the patched module again: the
finding is gone, the queries are fewer, and the rows are the same (each once,
where the finding was that a join repeated them). The refusals keep the plain
``Exists()`` rewrites.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fix_support import Applied, apply_fixes
from tests.testapp.models import Ban, Blog, Category, Member, Post

pytestmark = pytest.mark.django_db


@pytest.fixture
def categories(db: None) -> None:
    blog = Blog.objects.create(name="b")
    titles = {
        "alpha": ["quis", "quis quis", "lorem"],  # two matching posts: the join repeats alpha
        "beta": ["lorem"],
        "delta": [],
        "gamma": ["quis"],
        "zeta": ["ipsum quis"],
    }
    for name, posts in titles.items():
        category = Category.objects.create(name=name, blog=blog)
        for title in posts:
            Post.objects.create(title=title, category=category)


@pytest.fixture
def bans(db: None) -> None:
    ana, bo, cy, di = (Member.objects.create(username=n) for n in ("ana", "bo", "cy", "di"))
    for banned in (bo, cy):
        Ban.objects.create(user_from=ana, user_to=banned)
    for banning in (bo, di):
        Ban.objects.create(user_from=banning, user_to=ana)
    Ban.objects.create(user_from=bo, user_to=cy)  # bo bans two: the OR's joins repeat bo


def case(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str) -> Applied:
    return apply_fixes(
        tmp_path,
        monkeypatch,
        "from django.db.models import Q\n"
        "from tests.testapp.models import Category, Member, Post\n\n\n"
        "def view():\n" + body,
    )


def once(rows: list[object]) -> list[object]:
    return list(dict.fromkeys(rows))


PARTITION = """
    chosen = Category.objects.filter(name__contains="a").order_by("-name")
    {first}
    {second}
    rows = [(c.name, "yes") for c in {with_read}]
    rows += [(c.name, "no") for c in {without_read}]
    return rows
"""
WITH = 'with_quis = chosen.filter(post__title__contains="quis")'
WITHOUT = 'without_quis = chosen.exclude(post__title__contains="quis")'


@pytest.mark.usefixtures("categories")
@pytest.mark.parametrize(
    ("first", "second", "with_read", "without_read"),
    [
        (WITH, WITHOUT, "with_quis", "without_quis"),
        (WITHOUT, WITH, "with_quis", "without_quis"),  # the exclude() first
        (WITH, WITHOUT, "list(with_quis)", "sorted(without_quis, key=str)"),
    ],
)
def test_a_filter_and_an_exclude_of_one_base_become_one_annotated_query(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    first: str,
    second: str,
    with_read: str,
    without_read: str,
) -> None:
    body = PARTITION.format(
        first=first, second=second, with_read=with_read, without_read=without_read
    )
    applied = case(tmp_path, monkeypatch, body)
    before, after = applied.before, applied.after
    assert (before.kinds, before.infos) == (["unexpected_join"], ["unexpected_subquery"])
    assert (after.kinds, after.infos) == ([], [])
    assert (before.report.query_count, after.report.query_count) == (2, 1)
    # alpha came back once per matching post: the partition lists it once, in the base's order.
    assert before.result.count(("alpha", "yes")) == 2
    assert after.result == once(before.result)
    assert ".annotate(has_post_title_quis=Exists(Post.objects.filter(" in applied.source
    assert "with_quis = [c for c in chosen if c.has_post_title_quis]" in applied.source
    assert "without_quis = [c for c in chosen if not c.has_post_title_quis]" in applied.source
    # Both findings carry the whole partition: one consistent patch either way.
    join, subquery = sorted(before.report.findings, key=lambda f: f.kind)
    assert join.edits == subquery.edits
    assert len(join.edits) == 3
    assert "splits its rows in Python" in join.message
    assert "splits its rows in Python" in subquery.message


@pytest.mark.usefixtures("categories")
@pytest.mark.parametrize(
    "body",
    [
        # the half chained as a queryset later
        PARTITION.format(
            first=WITH,
            second=WITHOUT,
            with_read="with_quis.order_by('name')",
            without_read="without_quis",
        ),
        # a different condition in the exclude()
        PARTITION.format(
            first=WITH,
            second=WITHOUT.replace('"quis"', '"lorem"'),
            with_read="with_quis",
            without_read="without_quis",
        ),
        # the base read again as a queryset
        PARTITION.format(
            first=WITH, second=WITHOUT, with_read="with_quis", without_read="without_quis"
        ).replace("return rows", "return rows, chosen.count()"),
        # the annotation's name is taken
        PARTITION.format(
            first=WITH, second=WITHOUT, with_read="with_quis", without_read="without_quis"
        ).replace("return rows", "has_post_title_quis = 1\n    return rows, has_post_title_quis"),
        # a call between the split and the first read
        PARTITION.format(
            first=WITH,
            second=WITHOUT + "\n    print()",
            with_read="with_quis",
            without_read="without_quis",
        ),
    ],
    ids=["chained", "other-condition", "base-read", "name-taken", "call-between"],
)
def test_a_partition_not_provably_the_same_keeps_the_exists_rewrites(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str
) -> None:
    applied = case(tmp_path, monkeypatch, body)
    assert applied.before.kinds == ["unexpected_join"]
    assert "has_post_title_quis=" not in applied.patch
    assert ".filter(Exists(Post.objects.filter(" in applied.source
    assert applied.after.kinds == []
    assert applied.after.report.query_count == applied.before.report.query_count


OR_JOIN = """
    user = Member.objects.get(username="ana")
    users = Member.objects.filter(Q(banning=user) | Q(banned=user)).order_by("username")
    {keys}
    return [(u.username, {label}) for u in users]
"""


@pytest.mark.usefixtures("bans")
@pytest.mark.parametrize(
    ("keys", "label", "annotation"),
    [
        (
            'bans_ana = set(user.banned.values_list("id", flat=True))',
            '"bans" if u.id in bans_ana else "banned"',
            "banning_user",
        ),
        (
            "bans_ana = {m.pk for m in Member.objects.filter(banning=user)}",
            '"banned" if u.pk not in bans_ana else "bans"',
            "banning_user",
        ),
        (
            # user.banning is the other side's rows: Member.objects.filter(banned=user)
            'banned_by_ana = set(user.banning.all().values_list("pk", flat=True))',
            '"banned" if u.id in banned_by_ana else "bans"',
            "banned_user",
        ),
    ],
)
def test_the_side_of_an_or_asked_again_becomes_an_annotation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, keys: str, label: str, annotation: str
) -> None:
    applied = case(tmp_path, monkeypatch, OR_JOIN.format(keys=keys, label=label))
    before, after = applied.before, applied.after
    # Member.objects.filter(banning=user) joins Ban too: a repeat of its own, whose
    # statement the fix deletes.
    assert before.kinds == ["unexpected_join"] * (2 if "objects.filter(banning" in keys else 1)
    assert after.kinds == []
    assert (before.report.query_count, after.report.query_count) == (3, 2)
    # bo bans ana and cy, so the joins repeated bo; the labels are the same.
    assert [name for name, _ in before.result] == ["bo", "bo", "cy", "di"]
    assert after.result == once(before.result)
    assert [name for name, _ in after.result] == ["bo", "cy", "di"]
    assert f".annotate({annotation}=Exists(Ban.objects.filter(" in applied.source
    assert f".filter(Q({annotation}=True) | Exists(" in applied.source or (
        f"| Q({annotation}=True))" in applied.source
    )
    assert f"u.{annotation}" in applied.source
    assert keys.strip() not in applied.source


@pytest.mark.usefixtures("bans")
def test_the_side_asked_again_in_a_for_loop_becomes_an_annotation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    applied = case(
        tmp_path,
        monkeypatch,
        """
    user = Member.objects.get(username="ana")
    banned_by_ana = {m.id for m in user.banning.all()}
    users = Member.objects.filter(Q(banning=user) | Q(banned=user)).order_by("username")
    rows = []
    for u in users:
        if u.id not in banned_by_ana:
            rows.append(u.username)
    return rows
""",
    )
    assert applied.before.kinds == ["unexpected_join"]
    assert applied.after.kinds == []
    assert (applied.before.report.query_count, applied.after.report.query_count) == (3, 2)
    assert applied.before.result == applied.after.result == ["di"]
    assert "if not u.banned_user:" in applied.source
    assert "banned_by_ana" not in applied.source


@pytest.mark.usefixtures("bans")
@pytest.mark.parametrize(
    ("keys", "label"),
    [
        # the set read another way than a membership test
        (
            'bans_ana = set(user.banned.values_list("id", flat=True))',
            '"bans" if u.id in bans_ana else "banned", len(bans_ana)',
        ),
        # not provably one side: a narrower set
        (
            'bans_ana = set(user.banned.filter(username="bo").values_list("id", flat=True))',
            '"bans" if u.id in bans_ana else "banned"',
        ),
        # another member's bans
        (
            'other = Member.objects.get(username="bo")\n'
            '    bans_ana = set(other.banned.values_list("id", flat=True))',
            '"bans" if u.id in bans_ana else "banned"',
        ),
        # the annotation's name is taken
        (
            'banning_user = set(user.banned.values_list("id", flat=True))',
            '"bans" if u.id in banning_user else "banned"',
        ),
    ],
    ids=["len", "narrower", "other-member", "name-taken"],
)
def test_a_side_not_provably_the_set_keeps_the_exists_rewrite(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, keys: str, label: str
) -> None:
    applied = case(tmp_path, monkeypatch, OR_JOIN.format(keys=keys, label=label))
    assert applied.before.kinds == ["unexpected_join"]
    assert ".annotate(" not in applied.patch
    assert ") | Exists(Ban.objects.filter(" in applied.source
    assert keys.splitlines()[-1].strip() in applied.source
    assert applied.after.kinds == []
    assert applied.after.report.query_count == applied.before.report.query_count
