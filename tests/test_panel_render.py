"""The panel's pieces without the toolbar: labels, SQL for display, editor links, order."""

from __future__ import annotations

import re
from typing import Any

import pytest
import sqlparse
import sqlparse.exceptions
from django.http import HttpResponse

from ormwatch import _failsafe as failsafe
from ormwatch.panels import OrmWatchPanel, _labels, _render, _sql, _stats


def finding(number: int, kind: str, severity: str, duration_ms: float) -> dict[str, Any]:
    return {
        "number": number,
        "kind": kind,
        "severity": severity,
        "message": f"{kind} headline; advice",
        "call_site": None,
        "origin": None,
        "fix": None,
        "relation": None,
        "query_count": 2,
        "duration_ms": duration_ms,
        "saved_queries": 1,
        "sql_fragment": None,
        "sample": None,
    }


def stats_with(*findings: dict[str, Any], query_count: int = 212) -> dict[str, Any]:
    return {
        **_stats.empty(),
        "query_count": query_count,
        "sql_ms": 48.04,
        "finding_count": len(findings),
        "findings": list(findings),
    }


def test_subtitle_counts_kinds_worst_first() -> None:
    stats = stats_with(
        finding(1, "unexpected_subquery", "warning", 1.0),
        finding(2, "n_plus_one", "info", 9.0),
        finding(3, "n_plus_one", "info", 5.0),
        finding(4, "n_plus_one", "info", 2.0),
    )
    assert _labels.subtitle(stats) == "1 subquery · 3 N+1 · 212 queries, 48.0 ms"


def test_subtitle_plurals_and_unknown_kinds() -> None:
    stats = stats_with(
        finding(1, "duplicate_query", "warning", 1.0),
        finding(2, "duplicate_query", "warning", 1.0),
        finding(3, "brand_new_kind", "info", 1.0),
        query_count=1,
    )
    assert _labels.subtitle(stats) == "2 duplicates · 1 brand new kind · 1 query, 48.0 ms"


def test_subtitle_counts_findings_not_stored() -> None:
    stats = {**stats_with(finding(1, "slow_query", "warning", 1.0)), "finding_count": 4}
    assert _labels.subtitle(stats).startswith("1 slow query · 3 more · ")


def test_findings_are_grouped_by_severity_then_time() -> None:
    stats = stats_with(
        finding(1, "slow_query", "info", 50.0),
        finding(2, "n_plus_one", "warning", 1.0),
        finding(3, "unexpected_join", "info", 0.5),
        finding(4, "duplicate_query", "warning", 7.0),
    )
    content = _render.render(stats, None, "/s.css")
    headings = re.findall(r'<h4 class="ow-heading">(\w+) \(\d+\)</h4>', content)
    assert headings == ["Warnings", "Info"]
    # Stored findings are already in order within a severity (see _stats.build).
    assert re.findall(r'id="ow-f(\d+)"', content) == ["2", "4", "1", "3"]
    labels = re.findall(r'<span class="ow-badge[^"]*">([^<]+)</span>', content)
    assert labels == ["N+1", "duplicate", "slow query", "unexpected join"]


@pytest.mark.parametrize(
    ("editor_url", "expected"),
    [
        (None, None),
        ("vscode://file/{path}:{line}", "vscode://file//srv/my%20app/a%26b.py:12"),
        (
            "pycharm://open?file={path}&line={line}",
            "pycharm://open?file=/srv/my%20app/a%26b.py&line=12",
        ),
        (
            "idea://open?file={path}&line={line}&x={unrelated}",
            "idea://open?file=/srv/my%20app/a%26b.py&line=12&x={unrelated}",
        ),
    ],
)
def test_editor_href(editor_url: str | None, expected: str | None) -> None:
    assert _render.editor_href(editor_url, "/srv/my app/a&b.py", 12) == expected


def test_in_lists_are_collapsed() -> None:
    sql = "SELECT a FROM t WHERE id IN (" + ", ".join(["%s"] * 1000) + ") AND b IN (%s, %s)"
    assert _sql.collapse_in_lists(sql) == (
        "SELECT a FROM t WHERE id IN (%s, %s, %s, /* … 997 more */) AND b IN (%s, %s)"
    )


def test_an_in_list_cut_short_is_collapsed() -> None:
    sql = "SELECT a FROM t WHERE id IN (" + ", ".join(["%s"] * 50)
    assert (
        _sql.collapse_in_lists(sql) == "SELECT a FROM t WHERE id IN (%s, %s, %s, /* … 47 more */)"
    )


def test_format_sql_is_bounded() -> None:
    sql = "SELECT " + ", ".join(f"column_{i}" for i in range(5000)) + " FROM t"
    formatted = _sql.format_sql(sql)
    assert formatted.startswith("SELECT column_0,")
    assert formatted.endswith("more characters */")
    assert len(formatted) < _sql.MAX_FORMAT * 2


def test_format_sql_falls_back_to_the_text_when_sqlparse_refuses(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refuse(sql: str, **options: Any) -> str:
        raise sqlparse.exceptions.SQLParseError("Maximum grouping depth exceeded")

    monkeypatch.setattr(sqlparse, "format", refuse)
    sql = "SELECT " + "(" * 50 + "1" + ")" * 50 + " AS deep_" + "x" * 10
    assert _sql.format_sql(sql) == sql


def test_deeply_nested_sql_still_formats_or_falls_back() -> None:
    deep = "SELECT " + "(" * 3000 + "1" + ")" * 3000
    assert _sql.format_sql(deep).startswith("SELECT (((")


def test_fragment_is_found_whatever_the_whitespace() -> None:
    formatted = _sql.format_sql(
        'SELECT "a"."id" FROM "a" WHERE "a"."id" IN (SELECT U0."id" FROM "b" U0 WHERE U0."x" = %s)'
    )
    fragment = 'IN (SELECT U0."id" FROM "b" U0 WHERE U0."x" = %s)'
    found = _sql.highlight(formatted, fragment)
    assert found is not None
    assert found.before.endswith('"a"."id" ')
    assert " ".join(found.fragment.split()) == fragment
    assert "\n" in found.fragment
    assert _sql.highlight(formatted, "nowhere to be seen") is None


def test_highlighted_fragment_is_marked_in_the_content() -> None:
    base = stats_with(finding(1, "unexpected_subquery", "warning", 1.0))
    base["findings"][0] |= {"sample": 0, "sql_fragment": 'WHERE "t"."x" = %s'}
    base["sqls"] = ['SELECT "t"."id" FROM "t" WHERE "t"."x" = %s']
    base["groups"] = [{"count": 1, "duration_ms": 1.0}]
    base["queries"] = [
        {
            "index": 0,
            "sql": 0,
            "params": "[1]",
            "alias": "default",
            "vendor": "sqlite",
            "duration_ms": 1.0,
            "start_ms": 0.0,
            "group": 0,
            "call_site": None,
            "stack": [],
            "orm": {"kind": "query", "method": None, "model": None, "relation": None},
            "error": None,
            "findings": [1],
        }
    ]
    base["stored_count"] = 1
    content = _render.render(base, None, "/s.css")
    assert '<mark class="ow-fragment">WHERE &#34;t&#34;.&#34;x&#34; = %s</mark>' in content


class FakeToolbar:
    """Just enough of a toolbar for a panel rendered from stats."""

    def __init__(self, stats: dict[str, Any]) -> None:
        self.stats = {"OrmWatchPanel": stats}
        self.request = None


def panel_with(stats: dict[str, Any]) -> OrmWatchPanel:
    return OrmWatchPanel(FakeToolbar(stats), get_response=lambda request: HttpResponse())


def test_stats_from_another_version_are_not_rendered() -> None:
    panel = panel_with({**stats_with(), "version": _stats.VERSION + 1})
    assert panel.content == "<p>This request was recorded by another version of ormwatch.</p>"


def test_a_render_error_is_shown_in_the_panel_and_logged(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*args: Any, **kwargs: Any) -> str:
        raise KeyError("<missing>")

    monkeypatch.setattr(_render, "render", broken)
    failsafe.forget()
    content = panel_with(stats_with()).content
    assert (
        content
        == "<p>ormwatch could not show this request: KeyError(&#x27;&lt;missing&gt;&#x27;)</p>"
    )
    assert "rendering the toolbar panel" in caplog.text
