"""Each shape of fix, applied with ``git apply`` to a copy of the code and run again.

Every case writes a small module, runs it under ``ormwatch.watch()``, applies
``report.patch()`` and runs the patched module: the finding must be gone, the
queries must not grow, and the result must be what it was.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fix_support import Applied, apply_fixes
from tests.testapp.models import Blog, Category, Entry, Pizza, Post, Topping

pytestmark = pytest.mark.django_db


@pytest.fixture
def pizzas(db: None) -> None:
    toppings = [
        Topping.objects.create(name=name, spicy=spicy)
        for name, spicy in [("Chili", True), ("chili oil", True), ("Basil", False)]
    ]
    for name in ("Diavola", "Margherita", "Quattro"):
        Pizza.objects.create(name=name).toppings.set(toppings[: 2 if name != "Margherita" else 3])


@pytest.fixture
def blogs(db: None) -> None:
    for name in ("alpha", "beta", "gamma"):
        blog = Blog.objects.create(name=name)
        for title in ("one", "two"):
            category = Category.objects.create(name=f"{name} {title}", blog=blog)
            Post.objects.create(title=f"{name} {title}", category=category)


def fixed(applied: Applied, kinds: list[str]) -> None:
    """The finding was there, is gone, cost no more queries, and the result is the same."""
    assert applied.before.kinds == kinds, applied.before.report.findings
    assert applied.after.kinds == [], applied.patch
    assert applied.after.report.query_count <= applied.before.report.query_count
    assert applied.after.result == applied.before.result


@pytest.mark.usefixtures("pizzas")
@pytest.mark.parametrize(
    "call",
    [
        "pizza.toppings.filter(spicy=True)",
        "pizza.toppings.exclude(spicy=True)",
        'pizza.toppings.filter(name__contains="chili")',  # SQLite: any case
        'pizza.toppings.filter(name__startswith="Chi", spicy=True)',
        'pizza.toppings.filter(name__in=["Basil", "Chili"])',
    ],
)
def test_a_filter_on_prefetched_rows_is_done_in_python(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, call: str
) -> None:
    applied = apply_fixes(
        tmp_path,
        monkeypatch,
        f"""
        from tests.testapp.models import Pizza


        def view():
            menu = {{}}
            for pizza in Pizza.objects.prefetch_related("toppings").order_by("name"):
                menu[pizza.name] = sorted(
                    t.name for t in {call}
                )
            return menu
        """,
    )
    fixed(applied, ["prefetch_bypassed"])
    assert ".all() if " in applied.source


@pytest.mark.usefixtures("pizzas")
def test_a_filter_across_a_relation_gets_no_edit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # toppings.filter(pizza__name=...) would read another table per row in Python.
    applied = apply_fixes(
        tmp_path,
        monkeypatch,
        """
        from tests.testapp.models import Pizza


        def view():
            return [
                len(pizza.toppings.filter(pizza__name="Diavola"))
                for pizza in Pizza.objects.prefetch_related("toppings")
            ]
        """,
    )
    (finding,) = applied.before.report.findings
    assert (finding.kind, finding.fix, finding.edits, applied.patch) == (
        "prefetch_bypassed",
        None,
        (),
        "",
    )
    assert "Prefetch()" in finding.message


@pytest.mark.usefixtures("blogs")
def test_a_parenthesised_chain_over_lines_is_extended_in_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    applied = apply_fixes(
        tmp_path,
        monkeypatch,
        """
        from tests.testapp.models import Post


        def view():
            posts = (
                Post.objects
                .filter(title__contains="o")
                .order_by("title")
            )
            return [(post.title, post.category.name) for post in posts]
        """,
    )
    fixed(applied, ["n_plus_one"])
    assert '        Post.objects.select_related("category")\n' in applied.source
    assert '        .order_by("title")\n' in applied.source


@pytest.mark.usefixtures("blogs")
def test_a_loop_over_a_queryset_assigned_lines_above(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    applied = apply_fixes(
        tmp_path,
        monkeypatch,
        """
        from tests.testapp.models import Category


        def view():
            categories = Category.objects.order_by("name")
            names = []

            for category in categories:
                names.append((category.name, category.blog.name))
            return names
        """,
    )
    fixed(applied, ["n_plus_one"])
    assert 'categories = Category.objects.select_related("blog").order_by("name")' in (
        applied.source
    )


@pytest.mark.usefixtures("blogs")
def test_a_comprehension_whose_for_clause_is_lines_down(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    applied = apply_fixes(
        tmp_path,
        monkeypatch,
        """
        from tests.testapp.models import Blog


        def view():
            return [
                (blog.name, sorted(c.name for c in blog.category.all()))
                for blog in Blog.objects.order_by(
                    "name"
                )
            ]
        """,
    )
    fixed(applied, ["n_plus_one"])
    assert 'Blog.objects.prefetch_related("category").order_by(' in applied.source


@pytest.mark.django_db
def test_a_deferred_field_is_added_to_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for n in range(3):
        Entry.objects.create(headline=f"h{n}", rating=n)
    applied = apply_fixes(
        tmp_path,
        monkeypatch,
        """
        from tests.testapp.models import Entry


        def view():
            return [(e.headline, e.rating) for e in Entry.objects.only("headline")]
        """,
    )
    fixed(applied, ["n_plus_one"])
    assert 'Entry.objects.only("headline", "rating")' in applied.source


@pytest.mark.django_db
def test_the_only_deferred_field_leaves_a_queryset_not_a_manager(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for n in range(3):
        Entry.objects.create(headline=f"h{n}", rating=n)
    applied = apply_fixes(
        tmp_path,
        monkeypatch,
        """
        from tests.testapp.models import Entry


        def view():
            ratings = []
            for entry in Entry.objects.defer("rating"):
                ratings.append(entry.rating)
            return ratings
        """,
    )
    fixed(applied, ["n_plus_one"])
    assert "    for entry in Entry.objects.all():\n" in applied.source


@pytest.mark.usefixtures("blogs")
def test_a_duplicate_at_two_lines_is_evaluated_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    applied = apply_fixes(
        tmp_path,
        monkeypatch,
        """
        from tests.testapp.models import Blog


        def view():
            blog = Blog.objects.get(name="alpha")
            names = [category.name for category in blog.category.all()]
            two = [category.name for category in blog.category.all() if "two" in category.name]
            return names, two
        """,
    )
    fixed(applied, ["duplicate_query"])
    assert applied.after.report.query_count == applied.before.report.query_count - 1
    assert "    category_rows = list(blog.category.all())\n" in applied.source


@pytest.mark.usefixtures("blogs")
def test_a_duplicate_with_a_write_between_gets_no_edit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    applied = apply_fixes(
        tmp_path,
        monkeypatch,
        """
        from tests.testapp.models import Blog


        def view():
            before = list(Blog.objects.filter(name__startswith="a"))
            Blog.objects.filter(name="beta").update(name="again")
            after = list(Blog.objects.filter(name__startswith="a"))
            return len(before), len(after)
        """,
    )
    (finding,) = applied.before.report.findings
    assert (finding.kind, finding.fix, finding.edits) == ("duplicate_query", None, ())
    assert applied.before.result == (1, 2)  # reusing the first answer would be wrong
