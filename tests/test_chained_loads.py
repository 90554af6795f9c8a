"""Chained single loads: ``order.shop.owner.profile`` on one object in a view.

A maintainer of a real project fixed exactly this with
``select_related("shop__owner__profile")``: an info finding with that fix. A
single lazy load stays silent.
"""

from __future__ import annotations

import pytest

import ormwatch
from tests.testapp.models import LOrder, LOwner, LProfile, LShop

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(db: None) -> LOrder:
    owner = LOwner.objects.create(name="owner")
    LProfile.objects.create(owner=owner, bio="bio")
    shop = LShop.objects.create(name="shop", owner=owner)
    return LOrder.objects.create(number=7, shop=shop)


def test_three_chained_loads_are_an_info_finding_with_the_join(order: LOrder) -> None:
    with ormwatch.watch() as report:
        found = LOrder.objects.filter(number=7).get()  # origin
        bio = found.shop.owner.profile.bio  # call
    assert bio == "bio"
    (finding,) = report.findings
    assert finding.kind == "n_plus_one"
    assert finding.severity == "info"
    assert finding.details["shape"] == "chained_lazy_load"
    fix = 'found = LOrder.objects.select_related("shop__owner__profile").filter(number=7).get()'
    assert finding.fix == fix
    assert finding.origin is not None
    assert finding.origin.code.startswith("found = LOrder.objects.filter(number=7).get()")
    assert finding.call_site is not None
    assert finding.call_site.code.startswith("bio = found.shop.owner.profile.bio")
    assert len(finding.queries) == 3
    assert str(finding.relation) == "testapp.LOwner.profile"

    # The fix, applied, runs one query and returns the same.
    with ormwatch.watch() as fixed:
        again = LOrder.objects.select_related("shop__owner__profile").filter(number=7).get()
        assert again.shop.owner.profile.bio == bio
    assert fixed.query_count == 1
    assert fixed.findings == []


def test_a_single_lazy_load_stays_silent(order: LOrder) -> None:
    with ormwatch.watch() as report:
        found = LOrder.objects.get(number=7)
        _ = found.shop.name
        _ = found.shop.owner.name  # two hops: below the threshold
    assert report.query_count == 3
    assert report.findings == []
