"""unexpected_subquery, unexpected_join and prefetch_double_fetch fixes, applied and run again.

Each case writes a module, runs it under ``ormwatch.watch()``, applies
``report.patch()`` with ``git apply`` and runs the patched module: the finding
is gone, the queries did not grow, and the rows are the same (each once, where
the finding was that a join repeated them).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fix_support import Applied, apply_fixes
from tests.test_fixes_applied import fixed
from tests.testapp.models import Ban, Blog, Category, Member, Pizza, Post, Restaurant, Topping

pytestmark = pytest.mark.django_db


@pytest.fixture
def blogs(db: None) -> None:
    for name in ("alpha", "beta", "gamma"):
        blog = Blog.objects.create(name=name)
        for title in ("one", "two"):
            category = Category.objects.create(name=f"{name} {title}", blog=blog)
            for word in ("quis", "quis quis", "lorem"):
                Post.objects.create(title=f"{word} {title}", category=category, writer=name)


def case(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str) -> Applied:
    return apply_fixes(
        tmp_path,
        monkeypatch,
        "from django.db.models import Count, Q\n"
        "from tests.testapp.models import Blog, Category, Member, Pizza, Post\n\n\n"
        "def view():\n" + body,
    )


@pytest.mark.usefixtures("blogs")
def test_in_with_a_queryset_already_fetched_passes_its_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    applied = case(
        tmp_path,
        monkeypatch,
        """
    blogs = Blog.objects.filter(name__startswith="a").order_by("name")
    names = {blog.pk: blog.name for blog in blogs}
    categories = Category.objects.filter(blog__in=blogs).order_by("name")
    first = blogs.filter(name="alpha").first()  # chained later: stays a queryset
    return [(c.name, names[c.blog_id]) for c in categories], first.name
""",
    )
    fixed(applied, ["unexpected_subquery"])
    assert "Category.objects.filter(blog__in=list(blogs))" in applied.source


@pytest.mark.usefixtures("blogs")
def test_in_with_values_already_fetched_passes_the_values(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    applied = case(
        tmp_path,
        monkeypatch,
        """
    ids = Post.objects.filter(title__startswith="lorem").values("category_id")
    count = len(list(ids))
    return count, sorted(Category.objects.filter(pk__in=ids).values_list("name", flat=True))
""",
    )
    fixed(applied, ["unexpected_subquery"])
    assert 'pk__in=[row["category_id"] for row in ids]' in applied.source


@pytest.mark.usefixtures("blogs")
def test_in_with_a_lazy_queryset_on_a_foreign_key_becomes_a_join(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    applied = case(
        tmp_path,
        monkeypatch,
        """
    blogs = Blog.objects.filter(name__startswith="a")
    categories = Category.objects.filter(blog__in=blogs, name__endswith="one")
    rows = sorted(c.name for c in categories)
    return rows, [b.name for b in blogs]  # fetched on their own, after the subquery ran
""",
    )
    fixed(applied, ["unexpected_subquery"])
    assert 'Category.objects.filter(blog__name__startswith="a", name__endswith="one")' in (
        applied.source
    )
    assert 'blogs = Blog.objects.filter(name__startswith="a")\n' in applied.source


@pytest.mark.usefixtures("blogs")
def test_in_with_a_lazy_queryset_that_cannot_join_gets_words(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    applied = case(
        tmp_path,
        monkeypatch,
        """
    writers = Post.objects.filter(title__startswith="lorem").values("category_id")
    count = Category.objects.filter(pk__in=writers).count()
    return count, [row["category_id"] for row in writers]  # fetched on their own, after
""",
    )
    (finding,) = [f for f in applied.before.report.findings if f.kind == "unexpected_subquery"]
    assert (finding.fix, finding.edits) == (None, ())
    assert "evaluate them first with list() (one query more" in finding.message


EXCLUDES = [
    'modi.exclude(post__title__contains="quis")',
    'modi.filter(~Q(post__title__contains="quis"))',
    'modi.filter(\n        ~Q(post__title__contains="quis"), name__startswith="beta"\n    )',
]


@pytest.mark.usefixtures("blogs")
@pytest.mark.parametrize("excluded", EXCLUDES)
def test_an_exclude_across_a_reverse_relation_becomes_not_exists_where_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, excluded: str
) -> None:
    Post.objects.filter(category__name="beta two", title__contains="quis").delete()
    applied = case(
        tmp_path,
        monkeypatch,
        f"""
    modi = Category.objects.order_by("name")
    without = {excluded}
    return [c.name for c in without]
""",
    )
    # An info (NOT EXISTS is the right SQL); its rewrite still applies and keeps the rows.
    assert (applied.before.kinds, applied.before.infos) == ([], ["unexpected_subquery"])
    assert applied.after.infos == []
    assert applied.after.report.query_count <= applied.before.report.query_count
    assert applied.after.result == applied.before.result
    assert applied.before.result == ["beta two"]
    assert '~Exists(Post.objects.filter(category=OuterRef("pk"), title__contains="quis"))' in (
        applied.source
    )
    assert "from django.db.models import Exists, OuterRef" in applied.source


@pytest.mark.usefixtures("blogs")
def test_an_exclude_of_two_conditions_tests_each_with_its_own_exists(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # "beta one" has posts about quis and, in another post, one by alpha: excluded, since
    # the two conditions of one exclude() need not hold for the same post.
    Post.objects.filter(category__name="beta one", title__startswith="lorem").update(writer="alpha")
    applied = case(
        tmp_path,
        monkeypatch,
        """
    rows = Category.objects.exclude(post__title__contains="quis", post__writer="alpha")
    return sorted(c.name for c in rows)
""",
    )
    assert applied.before.infos == ["unexpected_subquery"] * 2
    assert applied.after.infos == []
    assert applied.after.result == applied.before.result
    assert applied.before.result == ["beta two", "gamma one", "gamma two"]
    assert (
        'Category.objects.exclude(Exists(Post.objects.filter(category=OuterRef("pk"), '
        'title__contains="quis")), Exists(Post.objects.filter(category=OuterRef("pk"), '
        'writer="alpha")))'
    ) in applied.source


JOINS = [
    ('.filter(post__title__contains="quis")', 'title__contains="quis"'),
    (
        '.filter(name__endswith="one", post__title__contains="quis", post__writer="alpha")',
        'title__contains="quis", writer="alpha"',
    ),
    ('.filter(Q(post__title__contains="quis") | Q(name="beta two"))', 'title__contains="quis"'),
]


@pytest.mark.usefixtures("blogs")
@pytest.mark.parametrize(("chain", "inner"), JOINS)
def test_a_filter_across_a_reverse_relation_becomes_exists_where_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chain: str, inner: str
) -> None:
    applied = case(
        tmp_path,
        monkeypatch,
        f"""
    categories = Category.objects.order_by("name")
    matching = categories{chain}
    return [c.name for c in matching]
""",
    )
    # The join repeated each category once per matching post: the fix lists each once.
    assert len(applied.before.result) > len(set(applied.before.result))
    assert applied.after.kinds == []
    assert applied.after.result == sorted(set(applied.before.result))
    assert f'Exists(Post.objects.filter(category=OuterRef("pk"), {inner}))' in applied.source


@pytest.mark.django_db
def test_an_or_across_two_relations_tests_each_with_exists(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ana, bo, cy, di = (Member.objects.create(username=n) for n in ("ana", "bo", "cy", "di"))
    for banned in (bo, cy):
        Ban.objects.create(user_from=ana, user_to=banned)
    Ban.objects.create(user_from=di, user_to=ana)
    Ban.objects.create(user_from=bo, user_to=ana)
    applied = case(
        tmp_path,
        monkeypatch,
        """
    user = Member.objects.get(username="ana")
    users = Member.objects.filter(Q(banning=user) | Q(banned=user)).order_by("username")
    return [u.username for u in users]
""",
    )
    assert applied.before.kinds == ["unexpected_join"]
    assert applied.after.kinds == []
    assert applied.after.result == ["bo", "cy", "di"] == sorted(set(applied.before.result))
    assert applied.after.report.query_count == applied.before.report.query_count
    assert ") | Exists(Ban.objects.filter(" in applied.source


@pytest.mark.django_db
def test_two_counts_over_two_joins_count_distinct(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    toppings = [Topping.objects.create(name=n) for n in ("a", "b", "c")]
    pizzas = [Pizza.objects.create(name=n) for n in ("x", "y")]
    for pizza in pizzas:
        pizza.toppings.set(toppings)
    for name in ("r1", "r2"):
        Restaurant.objects.create(name=name, best_pizza=pizzas[0]).pizzas.set(pizzas)
    applied = case(
        tmp_path,
        monkeypatch,
        """
    pizzas = Pizza.objects.annotate(
        toppings_count=Count("toppings"), restaurants_count=Count("restaurants")
    ).order_by("name")
    return [(p.name, p.toppings_count, p.restaurants_count) for p in pizzas]
""",
    )
    assert applied.before.kinds == ["unexpected_join"]
    assert applied.after.kinds == []
    # Every count was multiplied by the other relation's rows: the fix counts each once.
    assert applied.before.result == [("x", 6, 6), ("y", 6, 6)]
    assert applied.after.result == [("x", 3, 2), ("y", 3, 2)]
    assert applied.after.report.query_count == applied.before.report.query_count
    assert 'Count("toppings", distinct=True)' in applied.source


@pytest.mark.usefixtures("blogs")
def test_a_prefetch_and_a_filter_keep_the_rows_and_prefetch_the_matching_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    applied = case(
        tmp_path,
        monkeypatch,
        """
    blogs = Blog.objects.prefetch_related("category").filter(
        name__startswith="a", category__name__contains="one"
    )
    return [(b.name, c.name) for b in blogs.order_by("name") for c in b.category.all()]
""",
    )
    assert applied.before.kinds == ["prefetch_double_fetch"]
    assert applied.after.kinds == []
    assert applied.after.report.query_count == applied.before.report.query_count
    # The same blogs; the prefetch now reads only the categories the filter matched.
    assert applied.before.result == [("alpha", "alpha one"), ("alpha", "alpha two")]
    assert applied.after.result == [("alpha", "alpha one")]
    assert 'Prefetch("category", queryset=Category.objects.filter(name__contains="one"))' in (
        applied.source
    )
    (finding,) = applied.before.report.findings
    assert "prefetches only the matching Category rows" in finding.message


@pytest.mark.usefixtures("blogs")
def test_a_filter_of_another_model_in_the_statement_is_left_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Post's category__name crosses a foreign key of Post's, not Blog.category: only the
    # Blog filter is the finding's, though both sit in the statement the query ran from.
    applied = case(
        tmp_path,
        monkeypatch,
        """
    blogs = Blog.objects.filter(category__name__endswith="one").order_by("name")
    return [b.name for b in blogs], Post.objects.filter(category__name="alpha one").count()
""",
    )
    fixed(applied, ["unexpected_join"])
    assert 'Post.objects.filter(category__name="alpha one").count()' in applied.source
    assert 'Exists(Category.objects.filter(blog=OuterRef("pk"), name__endswith="one"))' in (
        applied.source
    )


@pytest.mark.usefixtures("blogs")
def test_ordering_by_a_reverse_relation_orders_by_one_value_per_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    applied = case(
        tmp_path,
        monkeypatch,
        """
    categories = Category.objects.filter(name__startswith="a").order_by("post__title")
    return [c.name for c in categories]
""",
    )
    assert applied.before.kinds == ["unexpected_join"]
    assert applied.after.kinds == []
    # Each category once, ordered by its first post title (the join listed it per post).
    assert sorted(applied.before.result) == ["alpha one"] * 3 + ["alpha two"] * 3
    assert applied.after.result == ["alpha one", "alpha two"]
    assert 'annotate(post_title=Min("post__title")).order_by("post_title")' in applied.source
    assert "from django.db.models import Min" in applied.source


@pytest.mark.usefixtures("blogs")
def test_a_filter_written_as_keyword_arguments_gets_distinct(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    applied = case(
        tmp_path,
        monkeypatch,
        """
    lookups = {"post__title__contains": "quis"}
    categories = Category.objects.filter(post__writer="alpha", **lookups).order_by("name")
    return [c.name for c in categories]
""",
    )
    assert applied.before.kinds == ["unexpected_join"]
    assert applied.after.kinds == []
    assert applied.after.result == sorted(set(applied.before.result))
    assert '.order_by("name").distinct()' in applied.source


def test_in_across_a_many_to_many_names_the_lookup_as_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Django stops the join at the through table: the column is its topping_id,
    # but the user wrote toppings__in (there is no toppings__topping__in). Basil
    # is on one pizza only, so the join repeats nothing here and the rows stay.
    basil, chili = Topping.objects.create(name="Basil"), Topping.objects.create(name="Chili")
    Pizza.objects.create(name="Margherita").toppings.set([basil, chili])
    Pizza.objects.create(name="Diavola").toppings.set([chili])
    applied = apply_fixes(
        tmp_path,
        monkeypatch,
        """
        from tests.testapp.models import Pizza, Topping


        def view():
            spicy = Topping.objects.filter(name__startswith="Bas")
            names = [t.name for t in spicy]
            pizzas = Pizza.objects.filter(toppings__in=spicy).order_by("name")
            return names, [p.name for p in pizzas]
        """,
    )
    messages = sorted(f.message for f in applied.before.report.findings)
    assert messages[1].startswith("Unexpected subquery: filter(toppings__in=...)"), messages
    fixed(applied, ["unexpected_join", "unexpected_subquery"])
    # list(spicy) would still join and repeat pizzas: the Exists() fixes both.
    subquery = next(f for f in applied.before.report.findings if f.kind == "unexpected_subquery")
    assert subquery.edits == ()
    assert 'Exists(Topping.objects.filter(pizza=OuterRef("pk"), pk__in=spicy))' in applied.source
