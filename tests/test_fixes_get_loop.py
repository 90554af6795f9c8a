"""An N+1 whose instances a statement fetched once per item of the loop (``get()`` per key).

A prefetch spliced into such a statement runs once per item too and batches
nothing, so no edit is written: the message says to fetch the rows in one
query before the loop. Eager loads on a statement that runs once (a ``get()``
before the loop, a queryset's rows) keep their edits, applied and re-run here.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

import ormwatch
from tests.fix_support import apply_fixes
from tests.testapp.models import Blog, Category, Pizza, Post, Topping

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


def _toppings_finding(report: ormwatch.Report) -> ormwatch.Finding:
    [found] = [f for f in report.findings if f.path == "toppings"]
    return found


@pytest.mark.usefixtures("pizzas")
@pytest.mark.parametrize(
    "body",
    [
        # the get() inside the loop that reads the relation
        """
        for pk in sorted(Pizza.objects.values_list("pk", flat=True)):
            pizza = Pizza.objects.get(pk=pk)
            names[pizza.name] = sorted(t.name for t in pizza.toppings.all())
        """,
        # the get() in a comprehension before it: the loads hang off the last get()
        """
        pks = sorted(Pizza.objects.values_list("pk", flat=True))
        pizzas = [Pizza.objects.get(pk=pk) for pk in pks]
        for pizza in pizzas:
            names[pizza.name] = sorted(t.name for t in pizza.toppings.all())
        """,
    ],
    ids=["in-the-loop", "comprehension-before"],
)
def test_no_prefetch_on_a_get_run_once_per_item(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str
) -> None:
    indented = textwrap.indent(textwrap.dedent(body).strip("\n"), "    ")
    applied = apply_fixes(
        tmp_path,
        monkeypatch,
        "from tests.testapp.models import Pizza\n\n\ndef view():\n    names = {}\n"
        + indented
        + "\n    return names\n",
    )
    found = _toppings_finding(applied.before.report)
    assert found.edits == ()
    assert found.fix is None
    assert found.saved_queries == 0
    assert "one query before the loop" in found.message
    assert 'prefetch_related("toppings")' in found.message
    assert "in_bulk()" in found.message
    # The get() once per item is its own finding, which writes no code either.
    shapes = [f.details.get("shape") for f in applied.before.report.findings]
    assert shapes.count("get_in_loop") == 1
    assert all(f.edits == () for f in applied.before.report.findings)
    assert "prefetch_related" not in applied.patch
    assert applied.after.result == applied.before.result


@pytest.mark.usefixtures("blogs")
def test_a_get_before_the_loop_keeps_its_prefetch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    applied = apply_fixes(
        tmp_path,
        monkeypatch,
        """
        from tests.testapp.models import Blog, Category


        def view():
            blog = Blog.objects.get(name="alpha")
            return [
                (c.name, sorted(p.title for p in c.post.all()))
                for c in Category.objects.filter(blog=blog).order_by("name")
            ]
        """,
    )
    assert applied.before.kinds == ["n_plus_one"]
    assert [len(f.edits) for f in applied.before.report.findings] == [1]
    assert 'prefetch_related("post")' in applied.patch
    assert applied.after.kinds == []
    assert applied.after.report.query_count < applied.before.report.query_count
    assert applied.after.result == applied.before.result


@pytest.mark.usefixtures("pizzas")
def test_a_querysets_rows_keep_their_prefetch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    applied = apply_fixes(
        tmp_path,
        monkeypatch,
        """
        from tests.testapp.models import Pizza


        def view():
            return {
                pizza.name: sorted(t.name for t in pizza.toppings.all())
                for pizza in Pizza.objects.order_by("name")
            }
        """,
    )
    assert applied.before.kinds == ["n_plus_one"]
    assert 'prefetch_related("toppings")' in applied.patch
    assert applied.after.kinds == []
    assert applied.after.report.query_count < applied.before.report.query_count
    assert applied.after.result == applied.before.result


@pytest.mark.usefixtures("blogs")
def test_a_join_on_a_get_per_item_is_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # select_related() removes the lazy load even on a get() once per item.
    applied = apply_fixes(
        tmp_path,
        monkeypatch,
        """
        from tests.testapp.models import Post


        def view():
            names = {}
            for pk in sorted(Post.objects.values_list("pk", flat=True)):
                post = Post.objects.get(pk=pk)
                names[post.title] = post.category.name
            return names
        """,
    )
    [lazy] = [f for f in applied.before.report.findings if f.path == "category"]
    assert len(lazy.edits) == 1
    assert 'select_related("category")' in applied.patch
    # What is left is the get() once per item, which the patch does not touch.
    assert [f.details.get("shape") for f in applied.after.report.findings] == ["get_in_loop"]
    assert applied.after.report.query_count < applied.before.report.query_count
    assert applied.after.result == applied.before.result


@pytest.mark.usefixtures("blogs")
def test_a_queryset_run_per_item_that_gives_several_rows_keeps_its_prefetch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Once per blog, but two categories each: the prefetch batches each blog's two.
    applied = apply_fixes(
        tmp_path,
        monkeypatch,
        """
        from tests.testapp.models import Category


        def view():
            names = {}
            for name in ["alpha", "beta", "gamma"]:
                for c in Category.objects.filter(blog__name=name).order_by("name"):
                    names[c.name] = sorted(p.title for p in c.post.all())
            return names
        """,
    )
    [found] = applied.before.report.findings
    assert len(found.edits) == 1
    assert found.saved_queries == 3  # six loads, three prefetch queries
    assert 'prefetch_related("post")' in applied.patch
    assert applied.after.kinds == []
    assert applied.after.report.query_count == applied.before.report.query_count - 3
    assert applied.after.result == applied.before.result


@pytest.mark.usefixtures("blogs")
def test_a_related_manager_looped_once_is_not_refused() -> None:
    with ormwatch.watch() as report:
        blog = Blog.objects.get(name="alpha")
        for c in blog.category.all():
            list(c.post.all())
    [found] = report.findings
    assert 'batch with prefetch_related("post")' in found.message
    assert "would not help" not in found.message


@pytest.mark.usefixtures("pizzas")
def test_a_get_once_is_not_taken_for_a_get_per_item() -> None:
    # The loads hang off the last query that produced a Pizza: the get(), run once.
    with ormwatch.watch() as report:
        pizzas = list(Pizza.objects.order_by("name"))
        Pizza.objects.get(name="Diavola")
        for pizza in pizzas:
            list(pizza.toppings.all())
    [found] = report.findings
    assert "would not help" not in found.message
    assert found.saved_queries == 2


@pytest.mark.usefixtures("pizzas")
def test_no_prefetch_on_a_get_per_item_whose_relation_some_items_skip(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The prefetch would run for every get(), the loads ran for two of three: one query more.
    applied = apply_fixes(
        tmp_path,
        monkeypatch,
        """
        from tests.testapp.models import Pizza


        def view():
            names = {}
            for name in ["Diavola", "Margherita", "Quattro"]:
                pizza = Pizza.objects.get(name=name)
                if name != "Margherita":
                    names[name] = sorted(t.name for t in pizza.toppings.all())
            return names
        """,
    )
    found = _toppings_finding(applied.before.report)
    assert found.edits == ()
    assert "one query before the loop" in found.message
    assert "prefetch_related" not in applied.patch


@pytest.mark.usefixtures("pizzas")
def test_a_get_per_item_whose_relation_is_read_twice_keeps_its_prefetch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two reads of the relation per pizza (one helper), one prefetch per pizza: half the loads.
    applied = apply_fixes(
        tmp_path,
        monkeypatch,
        """
        from tests.testapp.models import Pizza


        def toppings(pizza, spicy):
            return sorted(t.name for t in pizza.toppings.all() if t.spicy == spicy)


        def view():
            names = {}
            for name in ["Diavola", "Margherita", "Quattro"]:
                pizza = Pizza.objects.get(name=name)
                names[name] = (toppings(pizza, True), toppings(pizza, False))
            return names
        """,
    )
    assert 'Pizza.objects.prefetch_related("toppings").get(name=name)' in applied.patch
    assert applied.after.report.query_count == applied.before.report.query_count - 3
    assert [f.details.get("shape") for f in applied.after.report.findings] == ["get_in_loop"]
    assert applied.after.result == applied.before.result
