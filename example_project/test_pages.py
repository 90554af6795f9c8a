"""Every page of the example project, as a new user would open them.

Each pitfall in pitfalls/registry.py (the list the index renders) is checked
end to end: its bad page makes ormwatch report exactly the kinds the registry
names, its fixed page reports nothing, and the fixed page shows a lower query
count than the bad one.
"""

from __future__ import annotations

import re
from io import StringIO
from pathlib import Path
from typing import Any

import ormwatch
import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from pitfalls.registry import PITFALLS, Pitfall

pytestmark = pytest.mark.django_db

# Pages whose bad version ormwatch cannot judge yet: the reason, until it can.
KNOWN_GAPS: dict[str, str] = {}


def pitfalls() -> list[Any]:
    return [
        pytest.param(
            p,
            id=p.slug,
            marks=[pytest.mark.xfail(reason=KNOWN_GAPS[p.slug])] if p.slug in KNOWN_GAPS else [],
        )
        for p in PITFALLS
    ]


def visit(client: Client, url: str) -> tuple[ormwatch.Report, int, str]:
    """The page's findings, the query count it shows, and its HTML."""
    with ormwatch.watch() as report:
        response = client.get(url)
    assert response.status_code == 200, url
    html = response.content.decode()
    shown = re.search(r'id="query-count">(\d+) quer(?:y|ies)<', html)
    assert shown is not None, f"{url} shows no query count"
    assert shown[1] == response["X-Query-Count"]
    return report, int(shown[1]), html


def messages(report: ormwatch.Report) -> list[str]:
    return [f"{f.kind}: {f.message}" for f in report.findings]


@pytest.mark.parametrize("pitfall", pitfalls())
def test_the_bad_page_reports_its_kinds_and_the_fixed_page_nothing(
    client: Client, pitfall: Pitfall
) -> None:
    bad, bad_count, bad_html = visit(client, reverse(f"{pitfall.slug}-bad"))
    fixed, fixed_count, fixed_html = visit(client, reverse(f"{pitfall.slug}-fixed"))

    assert {f.kind for f in bad.findings} == set(pitfall.kinds), messages(bad)
    assert fixed.findings == [], messages(fixed)
    assert fixed_count < bad_count, (bad_count, fixed_count)

    # Each page links to its twin and to the kind's entry in docs/findings.md.
    assert reverse(f"{pitfall.slug}-fixed") in bad_html
    assert reverse(f"{pitfall.slug}-bad") in fixed_html
    assert pitfall.docs_url in bad_html
    assert pitfall.docs_url in fixed_html


# Pages whose pitfall changes the data, not only the queries: why the bad page
# shows other rows than its fixed twin.
OTHER_ROWS = {
    "prefetch-and-filter": "the join repeats the blog once per matching category",
    "exclude-reverse": "the join repeats a category once per matching post",
    "or-join": "the two LEFT OUTER JOINs repeat users",
}


def table_rows(html: str) -> list[tuple[str, ...]]:
    """The cells of the page's data table (the first <tbody>), row by row, sorted."""
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = re.findall(r"<tr>(.*?)</tr>", body, flags=re.DOTALL)
    cells = [tuple(re.findall(r"<td>(.*?)</td>", row, flags=re.DOTALL)) for row in rows]
    return sorted(tuple(" ".join(cell.split()) for cell in row) for row in cells)


@pytest.mark.parametrize("pitfall", pitfalls())
def test_the_fixed_page_shows_the_bad_page_rows(client: Client, pitfall: Pitfall) -> None:
    bad = table_rows(client.get(reverse(f"{pitfall.slug}-bad")).content.decode())
    fixed = table_rows(client.get(reverse(f"{pitfall.slug}-fixed")).content.decode())
    assert fixed, "the fixed page shows no rows"
    if pitfall.slug in OTHER_ROWS:
        assert bad != fixed, OTHER_ROWS[pitfall.slug]
    else:
        assert bad == fixed


def test_the_index_links_every_page(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    for pitfall in PITFALLS:
        assert reverse(f"{pitfall.slug}-bad") in html
        assert reverse(f"{pitfall.slug}-fixed") in html
        assert pitfall.docs_url in html
    assert "216 posts" in html


def test_the_docs_links_land_on_each_kind(client: Client) -> None:
    # The kind badges link to docs/findings.md as this project serves it.
    response = client.get(reverse("findings-doc"))
    assert response.status_code == 200
    html = response.content.decode()
    for kind in sorted({kind for pitfall in PITFALLS for kind in pitfall.kinds}):
        assert f'<h2 id="{kind}">{kind}</h2>' in html
    assert "select_related(" in html


def test_the_index_has_no_findings(client: Client) -> None:
    with ormwatch.watch() as report:
        assert client.get("/").status_code == 200
    assert report.findings == [], messages(report)


def test_every_finding_kind_has_a_page() -> None:
    from ormwatch._analyse import _registry

    kinds = {spec.name for spec in _registry.all_kinds()}
    assert {kind for p in PITFALLS for kind in p.kinds} == kinds


def test_slugs_are_unique() -> None:
    slugs = [p.slug for p in PITFALLS]
    assert len(slugs) == len(set(slugs))


def test_the_toolbar_shows_the_orm_watch_panel(client: Client) -> None:
    html = client.get(reverse("n-plus-one-fk-bad")).content.decode()
    assert 'id="djDebug"' in html
    assert "OrmWatchPanel" in html
    assert "SQLPanel" in html


def test_the_write_pages_leave_the_database_as_it_was(client: Client) -> None:
    from accounts.models import Notification

    client.get(reverse("save-in-a-loop-bad"))
    client.get(reverse("save-in-a-loop-fixed"))
    assert not Notification.objects.exists()


def test_loading_the_demo_data_again_creates_nothing() -> None:
    out = StringIO()
    call_command("demo_data", stdout=out)
    assert "(0 rows created now)" in out.getvalue()


def test_every_docs_link_has_its_section() -> None:
    findings = Path(__file__).resolve().parent.parent / "docs" / "findings.md"
    headings = set(re.findall(r"^## (\w+)$", findings.read_text(), flags=re.MULTILINE))
    assert {kind for p in PITFALLS for kind in p.kinds} <= headings
