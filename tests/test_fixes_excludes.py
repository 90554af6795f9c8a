"""exclude() across a multi-valued relation as ~Exists(): each finding rewrites the calls
that wrote its NOT EXISTS, applied and run again."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fix_support import Applied, apply_fixes
from tests.testapp.models import Pizza, Topping

pytestmark = pytest.mark.django_db


@pytest.fixture
def pizzas(db: None) -> None:
    toppings = [
        Topping.objects.create(name=name, spicy=spicy)
        for name, spicy in [("Chili", True), ("chili oil", True), ("Basil", False)]
    ]
    Pizza.objects.create(name="Diavola").toppings.set(toppings[:2])
    Pizza.objects.create(name="Margherita").toppings.set(toppings)
    Pizza.objects.create(name="Marinara")
    Pizza.objects.create(name="Pesto").toppings.set(toppings[2:])


def case(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str) -> Applied:
    return apply_fixes(
        tmp_path,
        monkeypatch,
        "from tests.testapp.models import Pizza\n\n\n"
        "def names(rows):\n"
        "    return sorted(p.name for p in rows)\n\n\n"
        "def view():\n" + body,
    )


@pytest.mark.usefixtures("pizzas")
def test_two_excludes_or_ed_are_each_rewritten_where_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    applied = case(
        tmp_path,
        monkeypatch,
        """
    pizzas = Pizza.objects.filter(id__gt=0).exclude(
        toppings__name="Basil",
        toppings__spicy__in=[False],
    )
    pizzas |= Pizza.objects.filter(id__gt=0).exclude(
        toppings__name="Chili"
    )
    return names(list(pizzas))
""",
    )
    # Three NOT EXISTS (Basil and Chili by name, one by spicy): a finding per lookup.
    assert applied.before.infos == ["unexpected_subquery"] * 2
    assert applied.after.infos == [], applied.patch
    assert applied.after.result == applied.before.result
    assert applied.before.result == ["Diavola", "Marinara", "Pesto"]
    basil, spicy, chili = (
        f'Exists(Topping.objects.filter(pizza=OuterRef("pk"), {lookup}))'
        for lookup in ('name="Basil"', "spicy__in=[False]", 'name="Chili"')
    )
    assert f"pizzas = Pizza.objects.filter(id__gt=0).exclude({basil}, {spicy})\n" in (
        applied.source
    )
    assert f"pizzas |= Pizza.objects.filter(id__gt=0).filter(~{chili})\n" in applied.source


@pytest.mark.usefixtures("pizzas")
def test_an_exclude_split_over_two_calls_of_one_chain_rewrites_both(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two calls are two NOT EXISTS joined by AND (not NOT (EXISTS AND EXISTS), as one call
    # with both keywords): Margherita is kept by the one call and dropped by the two.
    applied = case(
        tmp_path,
        monkeypatch,
        """
    pizzas = Pizza.objects.exclude(toppings__name="Basil").exclude(toppings__spicy__in=[False])
    return names(list(pizzas))
""",
    )
    assert applied.before.infos == ["unexpected_subquery"] * 2
    assert applied.after.infos == [], applied.patch
    assert applied.after.result == applied.before.result == ["Diavola", "Marinara"]
    assert (
        'Pizza.objects.filter(~Exists(Topping.objects.filter(pizza=OuterRef("pk"), '
        'name="Basil"))).filter(~Exists(Topping.objects.filter(pizza=OuterRef("pk"), '
        "spicy__in=[False])))"
    ) in applied.source


@pytest.mark.usefixtures("pizzas")
def test_an_exclude_the_code_does_not_show_gets_no_edit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The name's NOT EXISTS was written where the queryset came from (a parameter): the
    # exclude() the statement shows is the other finding's, and only that one is rewritten.
    applied = apply_fixes(
        tmp_path,
        monkeypatch,
        """
        from tests.testapp.models import Pizza


        def mild(pizzas):
            return sorted(p.name for p in pizzas.exclude(toppings__spicy__in=[True]))


        def view():
            return mild(Pizza.objects.exclude(toppings__name="Basil"))
        """,
    )
    found = {f.details["subquery"]["lookup"]: f for f in applied.before.report.findings}
    assert sorted(found) == ["toppings__name", "toppings__spicy__in"]
    assert (found["toppings__name"].fix, found["toppings__name"].edits) == (None, ())
    assert "Write the ~Exists() yourself" in found["toppings__name"].message
    assert found["toppings__spicy__in"].edits
    assert applied.after.infos == ["unexpected_subquery"]
    assert applied.after.result == applied.before.result == ["Marinara"]


@pytest.mark.usefixtures("pizzas")
def test_an_exclude_whose_value_did_not_run_gets_no_edit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The statement shows exclude(name="Chili") in the branch not taken; the NOT EXISTS that
    # ran tests "Basil", written in mild().
    applied = apply_fixes(
        tmp_path,
        monkeypatch,
        """
        from tests.testapp.models import Pizza


        def mild(pizzas):
            return pizzas.exclude(toppings__name="Basil")


        def view(hot=False):
            pizzas = Pizza.objects.exclude(toppings__name="Chili") if hot else mild(Pizza.objects)
            return sorted(p.name for p in list(pizzas))
        """,
    )
    (finding,) = applied.before.report.findings
    assert (finding.fix, finding.edits) == (None, ())
    assert applied.after.infos == ["unexpected_subquery"]
