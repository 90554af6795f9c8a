"""Rows Django hands over one by one: a cascade calls ``post_delete`` per row.

A handler's lazy load runs once per deleted row, but no queryset of the user's
loaded those rows (the delete collector did), so there is no line to add
``select_related()`` to: never a fix at an unrelated line.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db.models.signals import post_delete

import ormwatch
from tests.testapp.models import LLogEntry, LOrder, LOwner, LShop

pytestmark = pytest.mark.django_db

seen: list[str] = []


def note_author(sender: Any, instance: LLogEntry, **kwargs: Any) -> None:
    seen.append(instance.author.name)  # one lazy load per deleted entry


@pytest.fixture
def handler() -> Iterator[None]:
    post_delete.connect(note_author, sender=LLogEntry)
    yield
    post_delete.disconnect(note_author, sender=LLogEntry)
    seen.clear()


@pytest.fixture
def order(db: None) -> LOrder:
    shop = LShop.objects.create(name="shop", owner=LOwner.objects.create(name="owner"))
    order = LOrder.objects.create(number=1, shop=shop)
    for n in range(3):
        author = LOwner.objects.create(name=f"author {n}")
        LLogEntry.objects.create(order=order, author=author, message=f"m{n}")
    return order


@pytest.mark.usefixtures("handler")
def test_a_cascade_s_per_row_signal_load_gets_no_fix_at_an_unrelated_line(order: LOrder) -> None:
    with ormwatch.watch() as report:
        latest = LLogEntry.objects.order_by("-pk").first()  # unrelated: one row
        assert latest is not None
        order.delete()
    assert sorted(seen) == ["author 0", "author 1", "author 2"]
    loads = [f for f in report.findings if f.kind == "n_plus_one"]
    assert [len(f.queries) for f in loads] == [3]
    (finding,) = loads
    assert finding.origin is None
    assert finding.fix is None
    assert "testapp.LLogEntry.author" in finding.message
    assert "delete()" in finding.message


@pytest.mark.usefixtures("handler")
def test_rows_a_user_queryset_loaded_still_get_their_fix(order: LOrder) -> None:
    with ormwatch.watch() as report:
        for entry in LLogEntry.objects.order_by("pk"):
            entry.delete()  # the handler runs once per row of this queryset
    loads = [f for f in report.findings if f.kind == "n_plus_one"]
    (finding,) = loads
    assert finding.fix == 'for entry in LLogEntry.objects.select_related("author").order_by("pk"):'
