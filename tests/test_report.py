"""The report: analysed once when its block ends, plain data afterwards."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest

import ormwatch
from ormwatch._analyse import _registry
from ormwatch._analyse._analysis import Analysis
from ormwatch._analyse._spec import KindSpec
from ormwatch._query import ContextFields, OrmContext
from tests.panel_support import make_posts
from tests.testapp.models import Post


@pytest.fixture
def counted_runs(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many times the detectors ran: one spec that counts its calls."""
    runs: list[int] = []
    first = _registry.all_kinds()[0]

    def counting(analysis: Analysis) -> Iterator[ormwatch.Finding]:
        runs.append(len(analysis.queries))
        yield from first.detect(analysis)

    specs = [dataclasses.replace(first, detect=counting), *_registry.all_kinds()[1:]]
    monkeypatch.setattr(_registry, "_specs", specs)
    return runs


@pytest.mark.django_db
def test_the_block_end_analyses_once_and_reading_findings_after_runs_nothing(
    counted_runs: list[int],
) -> None:
    make_posts(4)
    with ormwatch.watch() as report:
        for post in Post.objects.all():
            post.category.name  # noqa: B018
    assert counted_runs == [5]
    assert [f.kind for f in report.findings] == [ormwatch.Kind.N_PLUS_ONE]
    assert report.findings is report.findings
    report.to_dict()
    assert counted_runs == [5]


@pytest.mark.django_db
def test_repr_never_analyses(counted_runs: list[int]) -> None:
    make_posts(2)
    with ormwatch.watch() as report:
        list(Post.objects.all())
        assert repr(report).startswith("<ormwatch.Report 1 queries, ")
        assert repr(report).endswith(" ms, not analysed>")
        assert counted_runs == []
    assert counted_runs == [1]
    assert repr(report).endswith("0 findings>")


@pytest.mark.django_db
def test_findings_read_while_the_block_is_open_are_the_findings_so_far(
    counted_runs: list[int],
) -> None:
    make_posts(4)
    with ormwatch.watch() as report:
        posts = list(Post.objects.all())
        assert report.findings == []
        for post in posts:
            post.category.name  # noqa: B018
        assert [f.kind for f in report.findings] == ["n_plus_one"]
        report.findings  # noqa: B018 - no new query: not analysed again
        assert counted_runs == [1, 5]
    assert counted_runs == [1, 5]  # the block's end found nothing new to analyse


def test_finding_kind_and_severity_are_enums_even_when_given_strings() -> None:
    finding = ormwatch.Finding(kind="slow_query", message="m", severity="info")  # type: ignore[arg-type]
    assert finding.kind is ormwatch.Kind.SLOW_QUERY
    assert finding.severity is ormwatch.Severity.INFO
    assert finding.to_dict()["kind"] == "slow_query"
    assert finding.to_dict()["docs_url"] == "docs/findings.md#slow_query"
    with pytest.raises(ValueError, match="no_such_kind"):
        ormwatch.Finding(kind="no_such_kind", message="m")  # type: ignore[arg-type]


def test_context_fields_name_every_orm_context_field() -> None:
    fields = {f.name for f in dataclasses.fields(OrmContext)}
    assert set(ContextFields.__annotations__) == fields


def test_every_kind_declares_its_spec_in_its_module() -> None:
    specs = _registry.all_kinds()
    assert [s.kind for s in specs] == list(ormwatch.Kind)
    assert all(isinstance(s, KindSpec) and s.label and s.plural for s in specs)
    assert specs[-1].name == "duplicate_query"  # last: it skips what the others claimed
