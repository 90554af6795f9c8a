"""A lookup dict built from the related rows, read through the join instead: applied and run.

``names = {blog.id: blog.name for blog in blogs}`` then ``names[c.blog_id]``
fetches the blogs on their own. Where a finding's fix reaches that queryset
(a lazy ``blog__in=blogs``, a ``select_related()`` that ``values()`` ignored),
the reads go through the join and the dict goes: one query fewer, the same
result. Where the dict might hold other rows or is read another way, the
finding keeps its own fix.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fix_support import Applied, apply_fixes
from tests.testapp.models import Blog, Category, City, Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def blogs(db: None) -> None:
    for name in ("alpha", "beta", "gamma", "another"):
        blog = Blog.objects.create(name=name)
        for title in ("one", "two"):
            Category.objects.create(name=f"{name} {title}", blog=blog)


def case(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str) -> Applied:
    return apply_fixes(
        tmp_path,
        monkeypatch,
        "from tests.testapp.models import Blog, Category, City, Person\n\n\ndef view():\n" + body,
    )


def joined(applied: Applied, kind: str, dict_line: str) -> None:
    """The finding is gone, one query fewer, the same result, and the dict deleted."""
    assert applied.before.kinds == [kind], applied.before.report.findings
    assert applied.after.kinds == [], applied.patch
    assert applied.after.report.query_count == applied.before.report.query_count - 1
    assert applied.after.result == applied.before.result
    assert applied.before.result  # rows were read through the dict at all
    assert dict_line in applied.patch
    assert dict_line not in applied.source


def kept(applied: Applied, kind: str, fix: str) -> None:
    """No lookup rewrite: the finding's own fix, the dict and its query stay."""
    assert applied.before.kinds == [kind], applied.before.report.findings
    assert applied.after.kinds == [], applied.patch
    assert applied.after.report.query_count == applied.before.report.query_count
    assert applied.after.result == applied.before.result
    assert fix in applied.source
    assert "names = " in applied.source


LAZY_IN = [
    ("{blog.id: blog.name for blog in blogs}", "names[c.blog_id]"),
    ("{blog.pk: blog.name for blog in blogs}", "names[c.blog_id]"),
    ('dict(blogs.values_list("id", "name"))', "names[c.blog_id]"),
]


@pytest.mark.usefixtures("blogs")
@pytest.mark.parametrize(("built", "read"), LAZY_IN)
def test_a_lookup_over_the_lazy_in_rows_becomes_the_join(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, built: str, read: str
) -> None:
    applied = case(
        tmp_path,
        monkeypatch,
        f"""
    blogs = Blog.objects.filter(name__startswith="a")
    names = {built}
    categories = Category.objects.filter(blog__in=blogs).order_by("name")
    return [(c.name, {read}) for c in categories]
""",
    )
    joined(applied, "unexpected_subquery", f"-    names = {built}")
    assert (
        'Category.objects.select_related("blog").filter(blog__name__startswith="a")'
        in applied.source
    )
    assert "(c.name, c.blog.name)" in applied.source
    assert "blogs = " not in applied.source  # nothing reads it any more


@pytest.mark.usefixtures("blogs")
def test_a_lookup_read_in_a_for_loop(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    applied = case(
        tmp_path,
        monkeypatch,
        """
    blogs = Blog.objects.filter(name__startswith="a")
    names = {blog.id: blog.name for blog in blogs}
    rows = []
    for c in Category.objects.filter(blog__in=blogs).order_by("name"):
        rows.append(c.name + ": " + names[c.blog_id])
    return rows
""",
    )
    joined(applied, "unexpected_subquery", "-    names = {blog.id: blog.name for blog in blogs}")
    assert 'for c in Category.objects.select_related("blog").filter(' in applied.source
    assert 'rows.append(c.name + ": " + c.blog.name)' in applied.source


@pytest.mark.usefixtures("blogs")
def test_a_lookup_read_another_way_keeps_the_list_fix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    applied = case(
        tmp_path,
        monkeypatch,
        """
    blogs = Blog.objects.filter(name__startswith="a")
    names = {blog.id: blog.name for blog in blogs}
    categories = Category.objects.filter(blog__in=blogs).order_by("name")
    return [(c.name, names.get(c.blog_id), names[c.blog_id]) for c in categories]
""",
    )
    kept(applied, "unexpected_subquery", "blog__in=list(blogs)")


VALUES = [
    # (the values() call, the dict, the key read, what values() becomes)
    (
        "values()",
        'dict(Blog.objects.values_list("id", "name"))',
        '"blog_id"',
        'values("id", "name", "blog_id", "blog__name")',
    ),
    (
        "values()",
        "{b.pk: b.name for b in Blog.objects.all()}",
        '"blog_id"',
        'values("id", "name", "blog_id", "blog__name")',
    ),
    (
        'values("name", "blog_id")',
        'dict(Blog.objects.order_by("name").values_list("pk", "name"))',
        "'blog_id'",
        'values("name", "blog_id", "blog__name")',
    ),
    (
        'values("name", "blog")',
        'dict(Blog.objects.values_list("id", "name"))',
        '"blog"',
        'values("name", "blog", "blog__name")',
    ),
]


@pytest.mark.usefixtures("blogs")
@pytest.mark.parametrize(("values", "built", "key", "written"), VALUES)
def test_a_lookup_beside_an_ignored_select_related_is_named_in_values(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, values: str, built: str, key: str, written: str
) -> None:
    applied = case(
        tmp_path,
        monkeypatch,
        f"""
    categories = Category.objects.select_related("blog").filter(name__contains="o").{values}
    # The blog names, looked up by key.
    names = {built}
    return sorted((row["name"], names[row[{key}]]) for row in categories)
""",
    )
    joined(applied, "eager_load_ignored", f"-    names = {built}")
    assert f'Category.objects.filter(name__contains="o").{written}' in applied.source
    assert '(row["name"], row["blog__name"])' in applied.source
    assert "# The blog names" not in applied.source  # the comment about the dict went with it


REFUSED = [
    # Read with .get() besides the subscript.
    (
        "Category",
        "blog",
        'dict(Blog.objects.values_list("id", "name"))',
        'names.get(row["blog_id"]), names[row["blog_id"]]',
    ),
    # A dict over other rows than every blog: the join could answer where it raised.
    (
        "Category",
        "blog",
        'dict(Blog.objects.filter(name__startswith="a").values_list("id", "name"))',
        'names[row["blog_id"]] if row["blog_id"] in names else None',
    ),
    (
        "Category",
        "blog",
        'dict(Blog.objects.filter(name__startswith="a").values_list("id", "name"))',
        'names[row["blog_id"]]',
    ),
    # A nullable key: the dict raises on None, the join gives None.
    (
        "Person",
        "hometown",
        'dict(City.objects.values_list("id", "name"))',
        'names[row["hometown_id"]]',
    ),
]


@pytest.mark.usefixtures("blogs")
@pytest.mark.parametrize(("model", "fk", "built", "read"), REFUSED)
def test_a_lookup_that_could_answer_otherwise_keeps_the_plain_fix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, model: str, fk: str, built: str, read: str
) -> None:
    town = City.objects.create(name="Busan")
    Person.objects.create(name="Ana", hometown=town)
    Person.objects.create(name="Bo", hometown=town)
    where = 'name__startswith="a"' if model == "Category" else 'name__contains="o"'
    applied = case(
        tmp_path,
        monkeypatch,
        f"""
    rows = {model}.objects.select_related("{fk}").filter({where}).values()
    names = {built}
    return sorted((row["name"], {read}) for row in rows)
""",
    )
    kept(applied, "eager_load_ignored", f"rows = {model}.objects.filter({where}).values()")


@pytest.mark.usefixtures("blogs")
@pytest.mark.parametrize(
    ("held", "every"),
    [("Blog.objects.all()", True), ('Blog.objects.filter(name__startswith="a")', False)],
)
def test_a_lookup_over_a_variable_is_joined_only_when_it_held_every_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, held: str, every: bool
) -> None:
    applied = case(
        tmp_path,
        monkeypatch,
        f"""
    held = {held}
    rows = Category.objects.select_related("blog").filter(name__startswith="a").values()
    names = {{b.id: b.name for b in held}}
    return sorted((row["name"], names[row["blog_id"]]) for row in rows)
""",
    )
    if every:
        joined(applied, "eager_load_ignored", "-    names = {b.id: b.name for b in held}")
        assert "held = " not in applied.source  # nothing reads it any more
    else:
        kept(applied, "eager_load_ignored", 'rows = Category.objects.filter(name__startswith="a")')


@pytest.mark.usefixtures("blogs")
def test_the_queryset_and_the_reads_in_one_statement_are_one_edit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    applied = case(
        tmp_path,
        monkeypatch,
        """
    blogs = Blog.objects.filter(name__startswith="a")
    names = dict(blogs.values_list("pk", "name"))
    return sorted(
        (c.name, names[c.blog_id]) for c in Category.objects.filter(blog__in=blogs)
    )
""",
    )
    joined(applied, "unexpected_subquery", '-    names = dict(blogs.values_list("pk", "name"))')
    assert (
        '(c.name, c.blog.name) for c in Category.objects.select_related("blog").filter('
        'blog__name__startswith="a")'
    ) in applied.source


@pytest.mark.usefixtures("blogs")
def test_a_write_between_the_dict_and_the_rows_keeps_the_plain_fix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    applied = case(
        tmp_path,
        monkeypatch,
        """
    rows = Category.objects.select_related("blog").filter(name__startswith="a").values()
    names = dict(Blog.objects.values_list("id", "name"))
    Blog.objects.filter(name="alpha").update(name="alpha")  # the names the dict holds may go
    return sorted((row["name"], names[row["blog_id"]]) for row in rows)
""",
    )
    kept(applied, "eager_load_ignored", 'rows = Category.objects.filter(name__startswith="a")')
