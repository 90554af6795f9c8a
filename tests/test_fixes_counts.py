"""An N+1 of per-object COUNTs, fixed with one annotate(Count(...)) where the list is built.

``c.product_set.filter(...).count()`` once per company: a prefetch does not serve
``filter()``, and would fetch every row for a plain ``count()``. Each case applies
ormwatch's patch and runs the code again: the finding is gone, the list costs one
query, and the counts are the same.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fix_support import Applied, apply_fixes
from tests.testapp.models import Company, Pizza, Product, Restaurant, Topping

pytestmark = pytest.mark.django_db

IMPORTS = "from tests.testapp.models import Company, Pizza\n\n\n"


@pytest.fixture
def companies(db: None) -> None:
    for index, name in enumerate(("acme", "globex", "initech", "umbrella")):
        company = Company.objects.create(name=name)
        for number in range(index + 1):
            Product.objects.create(name=f"p{number}", product_owned_company=company)


@pytest.fixture
def pizzas(db: None) -> None:
    toppings = [
        Topping.objects.create(name=name, spicy=spicy)
        for name, spicy in [("Chili", True), ("Nduja", True), ("Basil", False)]
    ]
    for index, name in enumerate(("Diavola", "Margherita", "Quattro")):
        pizza = Pizza.objects.create(name=name)
        pizza.toppings.set(toppings[index:])
        for place in ("Luigi's", "Mario's")[: index + 1]:
            Restaurant.objects.create(name=place, best_pizza=pizza).pizzas.add(pizza)


def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str) -> Applied:
    return apply_fixes(tmp_path, monkeypatch, IMPORTS + body)


def counted(applied: Applied) -> None:
    """One N+1, fixed: no finding left, one query, the same counts."""
    assert applied.before.kinds == ["n_plus_one"], applied.before.report.findings
    assert applied.before.report.query_count > 3
    assert applied.after.kinds == [], applied.patch
    assert applied.after.report.query_count == 1, applied.patch
    assert applied.after.result == applied.before.result
    assert "from django.db.models import Count" in applied.source


@pytest.mark.usefixtures("companies")
def test_a_plain_count_per_object_is_annotated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    applied = run(
        tmp_path,
        monkeypatch,
        """
def view():
    rows = []
    for company in Company.objects.order_by("name"):
        rows.append((company.name, company.product_set.count()))
    return rows
""",
    )
    counted(applied)
    assert 'for company in Company.objects.order_by("name").annotate(' in applied.source
    assert 'product_set_count=Count("product")' in applied.source
    assert "rows.append((company.name, company.product_set_count))" in applied.source
    (finding,) = applied.before.report.findings
    assert "read company.product_set_count in the loop" in finding.message
    assert "prefetch" not in finding.message
    # The fix shows both statements it changes, not the annotate alone.
    assert finding.fix == (
        'for company in Company.objects.order_by("name").annotate('
        'product_set_count=Count("product")):\n'
        "    rows.append((company.name, company.product_set_count))"
    )


@pytest.mark.usefixtures("companies")
def test_a_count_with_two_lookups_becomes_one_filtered_count(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    applied = run(
        tmp_path,
        monkeypatch,
        """
def view():
    rows = []
    for company in Company.objects.order_by("name"):
        total = company.product_set.filter(name__startswith="p", name__gt="p0").count()
        rows.append((company.name, total))
    return rows
""",
    )
    counted(applied)
    assert (
        'matching_product_set_count=Count("product", '
        'filter=Q(product__name__startswith="p", product__name__gt="p0"))'
    ) in applied.source
    assert "total = company.matching_product_set_count" in applied.source
    assert [n for _, n in applied.after.result] == [0, 1, 2, 3]


@pytest.mark.usefixtures("companies")
def test_filter_and_exclude_are_one_condition(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    applied = run(
        tmp_path,
        monkeypatch,
        """
def view():
    return {
        company.name: company.product_set.all().filter(name__gt="p0").exclude(name="p2").count()
        for company in Company.objects.all()
    }
""",
    )
    counted(applied)
    assert 'filter=Q(product__name__gt="p0") & ~Q(product__name="p2")' in applied.source
    assert applied.after.result == {"acme": 0, "globex": 1, "initech": 1, "umbrella": 2}


@pytest.mark.usefixtures("pizzas")
def test_a_many_to_many_count(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    applied = run(
        tmp_path,
        monkeypatch,
        """
def view():
    return [(p.name, p.toppings.filter(spicy=True).count()) for p in Pizza.objects.order_by("name")]
""",
    )
    counted(applied)
    assert 'Count("toppings", filter=Q(toppings__spicy=True))' in applied.source
    assert applied.after.result == [("Diavola", 2), ("Margherita", 1), ("Quattro", 0)]


@pytest.mark.usefixtures("pizzas")
def test_a_plain_count_of_a_reverse_many_to_many(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Django counts an unfiltered many-to-many from its through table alone: still the N+1.
    applied = run(
        tmp_path,
        monkeypatch,
        """
def view():
    return [(p.name, p.restaurants.count()) for p in Pizza.objects.order_by("name")]
""",
    )
    counted(applied)
    (finding,) = applied.before.report.findings
    assert str(finding.relation) == "testapp.Pizza.restaurants"
    assert 'restaurants_count=Count("restaurants")' in applied.source
    assert applied.after.result == [("Diavola", 1), ("Margherita", 2), ("Quattro", 2)]


@pytest.mark.usefixtures("pizzas")
def test_two_counts_of_one_relation_share_the_join(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    applied = run(
        tmp_path,
        monkeypatch,
        """
def view():
    return [
        (pizza.toppings.filter(spicy=True).count(), pizza.toppings.exclude(spicy=True).count())
        for pizza in Pizza.objects.order_by("name")
    ]
""",
    )
    # Two findings of one loop: each writes both annotations, so their edits are one.
    assert applied.before.kinds == ["n_plus_one", "n_plus_one"]
    assert applied.after.kinds == [], applied.patch
    assert applied.after.report.query_count == 1, applied.patch
    assert applied.after.result == applied.before.result == [(2, 1), (1, 1), (0, 1)]
    assert "matching_toppings_count_2=" in applied.source


@pytest.mark.usefixtures("pizzas")
def test_counts_of_two_relations_in_one_loop_get_words(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    applied = run(
        tmp_path,
        monkeypatch,
        """
def view():
    return [
        (pizza.toppings.filter(spicy=True).count(), pizza.restaurants.count())
        for pizza in Pizza.objects.order_by("name")
    ]
""",
    )
    assert applied.before.kinds == ["n_plus_one", "n_plus_one"]
    for finding in applied.before.report.findings:
        assert "Counts of two multi-valued relations in one query multiply" in finding.message
    # The plain count keeps the prefetch it had: it reads the prefetched rows.
    assert 'prefetch_related("restaurants")' in applied.source
    assert "toppings.filter(spicy=True).count()" in applied.source
    assert applied.after.result == applied.before.result


@pytest.mark.usefixtures("companies")
def test_the_loop_over_a_queryset_assigned_above(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    applied = run(
        tmp_path,
        monkeypatch,
        """
def view():
    start = "p1"
    companies = Company.objects.order_by("-name")[:3]
    found = Company.objects.filter(name="acme").exists()
    names = [c.name for c in companies]
    counts = [c.product_set.filter(name__gte=start).count() for c in companies]
    return found, names, counts
""",
    )
    assert applied.before.kinds == ["n_plus_one"], applied.before.report.findings
    assert applied.after.kinds == [], applied.patch
    # The list (evaluated once, read twice) and the exists(): no query per company.
    assert applied.after.report.query_count == 2
    assert applied.after.result == applied.before.result
    # Before the slice: Django annotates a sliced queryset, but the slice reads last.
    assert (
        'companies = Company.objects.order_by("-name").annotate(matching_product_set_count='
        'Count("product", filter=Q(product__name__gte=start)))[:3]'
    ) in applied.source
    assert "counts = [c.matching_product_set_count for c in companies]" in applied.source


@pytest.mark.usefixtures("companies")
def test_an_inline_comprehension_is_one_edit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    applied = run(
        tmp_path,
        monkeypatch,
        """
def view():
    return [(c.pk, c.product_set.filter(name="p1").count()) for c in Company.objects.order_by("pk")]
""",
    )
    counted(applied)
    (finding,) = applied.before.report.findings
    (edit,) = finding.edits
    assert (edit.start_line, edit.end_line) == (6, 6)
    assert finding.fix == (
        "return [(c.pk, c.matching_product_set_count) for c in Company.objects"
        '.order_by("pk").annotate(matching_product_set_count=Count("product", '
        'filter=Q(product__name="p1")))]'
    )


@pytest.mark.usefixtures("companies")
def test_the_annotation_takes_a_name_the_chain_does_not_have(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    applied = run(
        tmp_path,
        monkeypatch,
        """
from django.db.models import Value


def view():
    companies = Company.objects.annotate(product_set_count=Value(7)).order_by("name")
    return [(c.product_set_count, c.product_set.count()) for c in companies]
""",
    )
    assert applied.before.kinds == ["n_plus_one"]
    assert applied.after.kinds == [], applied.patch
    assert applied.after.result == applied.before.result
    assert 'annotate(product_set_count_2=Count("product"))' in applied.source


@pytest.mark.usefixtures("pizzas")
def test_a_list_that_joins_a_multi_valued_relation_gets_words(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    applied = run(
        tmp_path,
        monkeypatch,
        """
from django.db.models import Count


def view():
    pizzas = Pizza.objects.annotate(places=Count("restaurants")).order_by("name")
    return [(p.places, p.toppings.filter(spicy=True).count()) for p in pizzas]
""",
    )
    assert applied.before.kinds == ["n_plus_one"]
    (finding,) = applied.before.report.findings
    assert (finding.fix, finding.edits, applied.patch) == (None, (), "")
    assert (
        "or count them in the Pizza query with annotate(matching_toppings_count="
        'Count("toppings", filter=Q(toppings__spicy=True))), which ormwatch does not write '
        "here: the list's query already joins restaurants, a multi-valued relation"
    ) in finding.message


@pytest.mark.usefixtures("companies")
@pytest.mark.parametrize(
    ("count", "reason"),
    [
        ("c.product_set.filter(name=c.name).count()", "c is set after the list is built"),
        ('c.product_set.filter(Q(name="p1")).count()', "filter() is given a Q object"),
        ('c.product_set.filter(product_owned_company__name="acme").count()', None),
    ],
    ids=["loop-variable", "q-object", "forward-hop"],
)
def test_lookups_that_cannot_be_counted_where_the_list_is_built(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, count: str, reason: str | None
) -> None:
    applied = run(
        tmp_path,
        monkeypatch,
        f"""
from django.db.models import Q


def view():
    companies = Company.objects.order_by("name")
    return [{count} for c in companies]
""",
    )
    assert applied.before.kinds == ["n_plus_one"]
    if reason is None:  # a forward foreign key from the product is one row: counted
        assert applied.after.kinds == [], applied.patch
        assert applied.after.result == applied.before.result == [1, 0, 0, 0]
        return
    (finding,) = applied.before.report.findings
    assert (finding.edits, applied.patch) == ((), "")
    assert reason in finding.message


@pytest.mark.usefixtures("companies")
def test_two_loops_over_one_queryset_write_one_annotate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    applied = run(
        tmp_path,
        monkeypatch,
        """
def view():
    companies = Company.objects.order_by("name")
    totals = {c.name: c.product_set.count() for c in companies}
    matching = []
    for company in list(companies):
        matching.append(company.product_set.filter(name="p1").count())
    return totals, matching
""",
    )
    assert applied.before.kinds == ["n_plus_one", "n_plus_one"]
    assert applied.after.kinds == [], applied.patch
    assert applied.after.report.query_count == 1, applied.patch
    assert applied.after.result == applied.before.result
    assert (
        'companies = Company.objects.order_by("name").annotate(product_set_count=Count("product"), '
        'matching_product_set_count=Count("product", filter=Q(product__name="p1")))'
    ) in applied.source


@pytest.mark.usefixtures("companies")
def test_a_count_in_a_template_keeps_the_prefetch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No Python expression to replace: the prefetch, which the template's count() reads.
    applied = run(
        tmp_path,
        monkeypatch,
        """
from django.template import Context, Template


def view():
    companies = Company.objects.order_by("name")
    template = Template("{% for c in companies %}{{ c.product_set.count }} {% endfor %}")
    return template.render(Context({"companies": companies}))
""",
    )
    assert applied.before.kinds == ["n_plus_one"]
    assert applied.after.kinds == [], applied.patch
    assert applied.after.result == applied.before.result == "1 2 3 4 "
    assert 'companies = Company.objects.prefetch_related("product_set")' in applied.source


@pytest.mark.parametrize("chain", ["Restaurant.objects.all()", 'Restaurant.objects.order_by("pk")'])
def test_a_count_and_a_join_on_one_statement_are_both_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chain: str
) -> None:
    # Two N+1s of one loop: select_related() and annotate(Count()) edit one chain.
    for index in range(3):
        pizza = Pizza.objects.create(name=f"pizza {index}")
        Restaurant.objects.create(name=f"place {index}", best_pizza=pizza).pizzas.add(pizza)
    applied = apply_fixes(
        tmp_path,
        monkeypatch,
        "from tests.testapp.models import Restaurant\n\n\n"
        f"""
def view():
    rows = []
    for r in {chain}:
        rows.append((r.best_pizza.name, r.pizzas.count()))
    return sorted(rows)
""",
    )
    assert applied.before.kinds == ["n_plus_one", "n_plus_one"]
    assert applied.after.kinds == [], applied.patch
    assert applied.after.report.query_count == 1, applied.patch
    assert applied.after.result == applied.before.result
    assert 'select_related("best_pizza")' in applied.source
    assert "r.pizzas_count" in applied.source
