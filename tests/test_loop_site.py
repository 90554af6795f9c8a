"""The user line that repeats an N+1 when the query runs inside a model method.

``LOrder.url`` reads ``self.shop``; the template calls it once per order. The
call site is the method's line (where the query ran), the loop site the
template line that repeats it.
"""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest
from django.test import Client

import ormwatch
from ormwatch._format import block, log_message
from ormwatch.panels import _render, _stats
from tests.testapp import models
from tests.testapp.models import LOrder, LOwner, LShop

pytestmark = pytest.mark.django_db

TEMPLATE = Path(models.__file__).parent / "templates" / "testapp" / "orders_table.html"


@pytest.fixture
def orders(db: None) -> list[LOrder]:
    owner = LOwner.objects.create(name="owner")
    shops = [LShop.objects.create(name=f"shop{n}", owner=owner) for n in range(3)]
    return [LOrder.objects.create(number=n, shop=shop) for n, shop in enumerate(shops)]


def method_line() -> int:
    lines, start = inspect.getsourcelines(LOrder.url)
    return start + next(i for i, line in enumerate(lines) if "self.shop" in line)


def n_plus_one() -> ormwatch.Finding:
    with ormwatch.watch() as report:
        assert Client().get("/orders-table/").status_code == 200
    (finding,) = report.findings
    assert finding.kind == "n_plus_one"
    return finding


def test_the_template_loop_is_named_beside_the_method_line(orders: list[LOrder]) -> None:
    finding = n_plus_one()
    assert finding.call_site is not None
    assert (finding.call_site.path, finding.call_site.line) == (models.__file__, method_line())
    assert finding.loop_site is not None
    assert finding.loop_site.kind == "template"
    assert (finding.loop_site.path, finding.loop_site.line) == (str(TEMPLATE), 3)
    assert "{{ order.url }}" in finding.loop_site.code
    assert finding.to_dict()["loop_site"]["line"] == 3
    assert "(repeated at " in log_message(finding)
    assert "orders_table.html:3" in log_message(finding)
    assert "  loop at " in block(finding)
    assert finding.fix is not None
    assert 'select_related("shop")' in finding.fix


def test_a_loop_that_runs_the_query_itself_has_no_separate_loop_site(
    orders: list[LOrder],
) -> None:
    with ormwatch.watch() as report:
        for order in LOrder.objects.order_by("pk"):
            _ = order.shop.name
    (finding,) = report.findings
    assert finding.loop_site is None


def test_a_python_loop_calling_the_method_is_the_loop_site(orders: list[LOrder]) -> None:
    with ormwatch.watch() as report:
        urls = [order.url() for order in LOrder.objects.order_by("pk")]  # loop
    assert len(urls) == 3
    (finding,) = report.findings
    assert finding.loop_site is not None
    assert finding.loop_site.path == __file__
    assert finding.loop_site.code.endswith("# loop")


def test_the_panel_shows_the_loop_site(orders: list[LOrder]) -> None:
    with ormwatch.watch() as report:
        assert Client().get("/orders-table/").status_code == 200
    html = _render.render(_stats.build(report, 100), None, "/s.css")
    assert "<dt>Repeated by</dt>" in html
    assert "{{ order.url }}" in html.replace("&#123;", "{").replace("&#125;", "}")
