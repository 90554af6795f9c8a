"""The suite-wide check that no fix carries a placeholder really sees the suite's findings."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import ormwatch
from ormwatch._analyse import KindSpec, _registry
from ormwatch._analyse._analysis import Analysis
from ormwatch._finding import Finding
from ormwatch._kinds import Kind
from tests import fix_audit
from tests.testapp.models import Blog


@pytest.mark.parametrize(
    "text",
    [
        "Post.objects.filter(...)",
        "[x for x in book.reviews.all() if ...]",
        "Tag.objects.bulk_create([Tag(...) for ... in ...])",
        "rows = list(queryset)",
        "EXPLAIN <the SQL>",
        'Book.objects.bulk_update(objs, ["title"])',
    ],
)
def test_placeholders_are_found(text: str) -> None:
    assert fix_audit.placeholders(text)


@pytest.mark.parametrize(
    "text",
    [
        'Post.objects.filter(title="...")  # a value the user wrote',
        'Prefetch("category", queryset=Category.objects.filter(name__contains="modi"))',
        "rows = [r for r in blog.category.all() if r.rank < limit > 0]",
        "    for book in books:\n        book.title = book.title.upper()\n"
        '    Book.objects.bulk_update(books, ["title"])',
    ],
)
def test_code_is_not_a_placeholder(text: str) -> None:
    assert fix_audit.placeholders(text) == []


def _planted(analysis: Analysis) -> Iterator[Finding]:
    query = analysis.queries[0]
    yield Finding(kind=Kind.SLOW_QUERY, message="m", call_site=query.call_site, fix="list(...)")


@pytest.mark.django_db
def test_a_planted_placeholder_in_a_findings_fix_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    planted = KindSpec(Kind.SLOW_QUERY, "planted", "planted", _planted, claims=False)
    monkeypatch.setattr(_registry, "_specs", [planted])  # the real analysis, one detector
    start = len(fix_audit.COLLECTED)
    with ormwatch.watch() as report:
        list(Blog.objects.all())
    assert [f.fix for f in report.findings] == ["list(...)"]
    found = fix_audit.offenders(start)
    del fix_audit.COLLECTED[start:]  # caught: the test's own teardown check passes
    assert found == ["slow_query fix: ... in:\nlist(...)"]
