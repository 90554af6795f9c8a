"""The panel's HTML: Jinja2 over the stored stats, autoescaped.

Everything here reads only the stats dict (live or loaded from the store) and
the current settings, never a request, so a panel rebuilt from the store
renders the same HTML as the live one.
"""

from __future__ import annotations

from collections import Counter
from importlib import resources
from typing import Any
from urllib.parse import quote

import jinja2

from ormwatch.panels import _labels, _sql

__all__ = ["editor_href", "environment", "render"]

TEMPLATE = "ormwatch/panel.html"

_environment: jinja2.Environment | None = None


def _load(name: str) -> tuple[str, str, Any]:
    # Through importlib.resources so the templates are found wherever the
    # package is installed (a wheel, an editable install, the repository).
    source = (resources.files("ormwatch") / "templates" / name).read_text(encoding="utf-8")
    return source, name, lambda: True


def environment() -> jinja2.Environment:
    """The process's Jinja2 environment, created on first use."""
    global _environment
    if _environment is None:
        env = jinja2.Environment(
            loader=jinja2.FunctionLoader(_load),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        env.filters["ms"] = lambda value: f"{value:,.1f} ms"
        env.filters["count"] = lambda value: f"{value:,}"
        env.globals["kind_label"] = _labels.kind_label
        _environment = env
    return _environment


def editor_href(editor_url: str | None, path: str, line: int) -> str | None:
    """``EDITOR_URL`` filled in for one place, or ``None`` without the setting.

    The path is percent-encoded (it may hold spaces, ``&`` or ``#``); replacing
    the two fields rather than ``str.format`` lets the URL hold other braces.
    """
    if not editor_url:
        return None
    return editor_url.replace("{path}", quote(path, safe="/:\\")).replace("{line}", str(line))


def _split_message(message: str) -> tuple[str, str]:
    # Detector messages read "<headline>; <advice>" (see ormwatch._format).
    headline, _, advice = message.partition("; ")
    return headline, advice


def _finding_view(
    finding: dict[str, Any], stats: dict[str, Any], queries: dict[int, dict[str, Any]]
) -> dict[str, Any]:
    sites = stats["sites"]
    sample = queries.get(finding["sample"]) if finding["sample"] is not None else None
    formatted = _sql.format_sql(stats["sqls"][sample["sql"]]) if sample else ""
    headline, advice = _split_message(finding["message"])
    return {
        **finding,
        "label": _labels.kind_label(finding["kind"]),
        "headline": headline,
        "advice": advice,
        "call_site": sites[finding["call_site"]] if finding["call_site"] is not None else None,
        "origin": sites[finding["origin"]] if finding["origin"] is not None else None,
        # .get(): stats stored before loop sites were kept have none.
        "loop_site": (
            sites[finding["loop_site"]] if finding.get("loop_site") is not None else None
        ),
        "sample": sample,
        "sql": formatted,
        "highlight": _sql.highlight(formatted, finding["sql_fragment"]),
        "stack": [sites[i] for i in sample["stack"]] if sample else [],
    }


def _query_rows(stats: dict[str, Any], kinds: dict[int, str]) -> list[dict[str, Any]]:
    rows = []
    previous = -1
    sites, sqls, groups = stats["sites"], stats["sqls"], stats["groups"]
    # sql id -> (preview, full text if the preview is cut, first query showing it)
    previews: dict[int, tuple[str, str | None, int]] = {}
    for query in stats["queries"]:
        sql_id = query["sql"]
        if sql_id not in previews:
            previews[sql_id] = (*_sql.preview(sqls[sql_id]), query["index"])
        text, full, first = previews[sql_id]
        rows.append(
            {
                **query,
                "gap_before": query["index"] - previous - 1,
                "preview": text,
                # A long statement is shown in full once; repeats point back to it.
                "full": full if first == query["index"] else None,
                "same_as": first if full and first != query["index"] else None,
                "group": {"id": query["group"] + 1, **groups[query["group"]]},
                "call_site": sites[query["call_site"]] if query["call_site"] is not None else None,
                "kinds": " ".join(sorted({kinds[n] for n in query["findings"]})),
            }
        )
        previous = query["index"]
    return rows


def render(stats: dict[str, Any], editor_url: str | None, stylesheet: str) -> str:
    """The panel content for ``stats``; ``stylesheet`` is the URL of ``panel.css``."""
    queries = {q["index"]: q for q in stats["queries"]}
    findings = [_finding_view(f, stats, queries) for f in stats["findings"]]
    kinds = {f["number"]: f["kind"] for f in findings}
    by_severity: dict[str, list[dict[str, Any]]] = {}
    for finding in findings:
        by_severity.setdefault(finding["severity"], []).append(finding)
    groups = [
        {
            "severity": severity,
            "heading": _labels.SEVERITIES.get(severity, severity.title()),
            "findings": items,
        }
        for severity, items in sorted(
            by_severity.items(), key=lambda item: _labels.severity_rank(item[0])
        )
    ]
    kind_counts = Counter(f["kind"] for f in findings)
    rows = _query_rows(stats, kinds)
    last = rows[-1]["index"] if rows else -1
    context = {
        "stats": stats,
        "groups": groups,
        "filters": [
            {"kind": kind, "label": _labels.kind_label(kind, count), "count": count}
            for kind, count in kind_counts.most_common()
        ],
        "rows": rows,
        "not_stored": stats["query_count"] - stats["stored_count"],
        "after_last": max(stats["query_count"] - last - 1, 0),
        "editor_url": editor_url,
        "editor_href": editor_href,
        "stylesheet": stylesheet,
    }
    return environment().get_template(TEMPLATE).render(context)
