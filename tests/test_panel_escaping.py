"""Everything the panel shows is escaped: SQL, parameters, paths, source lines, messages.

The panel's HTML is inserted into the developer's page; a statement, a row or
a file name holding markup must show as text, never run.
"""

from __future__ import annotations

import importlib.util
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from markupsafe import escape

import ormwatch
from ormwatch.panels import _render, _stats
from tests.panel_support import make_posts, render_panel, request_id, toolbar_settings

ESCAPED = "&lt;script&gt;alert(&#39;ormwatch&#39;)&lt;/script&gt;"


class Elements(HTMLParser):
    """The tags and attribute names of an HTML fragment, as a browser would parse them."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.attributes: set[str] = set()
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attributes.update(name for name, _ in attrs)


def assert_no_markup_from_data(content: str) -> None:
    # The panel itself writes no <script> or <img> element and no event
    # handler attribute (scripts come through the toolbar's `scripts`), so
    # any of them in the HTML would have come from the data.
    elements = Elements(content)
    assert not elements.tags & {"script", "img"}
    assert not [name for name in elements.attributes if name.startswith("on")]
    assert not re.search(r"<\s*script", content, re.IGNORECASE)


def test_sql_params_and_model_data_are_escaped(db: None, client: Client) -> None:
    make_posts(2)
    with toolbar_settings(ormwatch={"EDITOR_URL": "vscode://file/{path}:{line}"}):
        response = client.get("/panel/script/")
        content = render_panel(client, request_id(response))["content"]
    assert_no_markup_from_data(content)
    # In the SQL comment: the raw statement's duplicate finding shows its SQL.
    assert f"SELECT %s /* {ESCAPED} */" in content
    # In the parameters of the filtered queries.
    assert f"[&#34;{ESCAPED}&#34;]" in content
    kinds = re.findall(r'data-ow-kind="([^"]+)"', content)
    assert kinds.count("duplicate_query") == 2


def load_module_at(path: Path) -> Any:
    spec = importlib.util.spec_from_file_location("panel_escaping_target", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_path_and_source_line_with_markup_are_escaped(db: None, tmp_path: Path) -> None:
    make_posts(3)
    # A folder named "<script>alert(1)<" holding "script>": the path reads
    # ".../<script>alert(1)</script>/views.py".
    folder = tmp_path / "<script>alert(1)<" / "script>"
    folder.mkdir(parents=True)
    source = folder / "views.py"
    source.write_text(
        "from tests.testapp.models import Post\n"
        "\n"
        "def categories():\n"
        "    posts = Post.objects.all()\n"
        "    return [p.category.name for p in posts]  # <script>alert(2)</script>\n"
    )
    module = load_module_at(source)
    with ormwatch.watch() as report:
        module.categories()
    (finding,) = report.findings
    assert finding.call_site is not None
    assert "<script>alert(1)</script>" in finding.call_site.path

    stats = _stats.build(report, 2000)
    content = _render.render(stats, "vscode://file/{path}:{line}", "/static/ormwatch/panel.css")
    assert_no_markup_from_data(content)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;/views.py:5" in content
    assert "# &lt;script&gt;alert(2)&lt;/script&gt;" in content
    # In the editor link the path is percent-encoded, then attribute-escaped.
    assert "%3Cscript%3Ealert%281%29%3C/script%3E/views.py:5" in content


def payload(n: int) -> str:
    return f'"><script>alert({n})</script><img src=x onerror=alert({n})>'


@pytest.fixture
def hostile_stats() -> dict[str, Any]:
    """Stats with markup in every string field a template could show."""
    site = {
        "path": f"/srv/{payload(1)}.py",
        "short": f"{payload(2)}.py",
        "line": 7,
        "function": payload(3),
        "code": payload(4),
        "kind": "python",
    }
    return {
        **_stats.empty(),
        "query_count": 1,
        "stored_count": 1,
        "max_queries": 2000,
        "finding_count": 1,
        "sites": [site],
        "sqls": [f"SELECT {payload(5)} FROM t WHERE x IN (1, 2, 3, 4, 5, 6, 7, 8)"],
        "groups": [{"count": 2, "duration_ms": 1.0}],
        "queries": [
            {
                "index": 0,
                "sql": 0,
                "params": payload(7),
                "alias": payload(8),
                "vendor": "sqlite",
                "duration_ms": 1.0,
                "start_ms": 0.0,
                "group": 0,
                "call_site": 0,
                "stack": [0],
                "orm": {"kind": "raw", "method": None, "model": None, "relation": None},
                "error": payload(9),
                "findings": [1],
            }
        ],
        "findings": [
            {
                "number": 1,
                "kind": payload(10),
                "severity": payload(11),
                "message": f"{payload(12)}; {payload(13)}",
                "call_site": 0,
                "origin": 0,
                "fix": payload(14),
                "relation": payload(15),
                "path": payload(17),
                "query_count": 1,
                "duration_ms": 1.0,
                "saved_queries": 0,
                "sql_fragment": payload(16),
                "sample": 0,
                "fix_lines": {"start": 7, "end": 9, "code": payload(18)},
            }
        ],
        "patch": payload(19),
    }


@pytest.mark.parametrize("editor_url", [None, "pycharm://open?file={path}&line={line}"])
def test_every_field_is_escaped(hostile_stats: dict[str, Any], editor_url: str | None) -> None:
    content = _render.render(hostile_stats, editor_url, "/static/ormwatch/panel.css")
    assert_no_markup_from_data(content)
    # Each field shows as text.
    for n in (1, 2, 3, 4, 5, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19):
        assert f"alert({n})&lt;/script&gt;" in content or f"alert%28{n}%29" in content, n


PAYLOADS = [
    "<script>alert('ormwatch')</script>",
    '"><img src=x onerror=alert(1)>',
    "{{ 7*7 }} {{ settings.SECRET_KEY }}",
    "{% debug %}{% now 'Y' %}",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_markup_and_template_syntax_from_a_request_show_as_text(
    db: None, client: Client, payload: str
) -> None:
    make_posts(2)
    with toolbar_settings():
        response = client.get("/panel/hostile/", {"comment": payload, "value": payload})
        content = render_panel(client, request_id(response))["content"]
    assert_no_markup_from_data(content)
    # In the SQL comment of the duplicate raw statement (as written, so with
    # its % doubled), and in the filter's parameters.
    assert f"SELECT %s /* {escape(payload.replace('%', '%%'))} */" in content
    assert escape(json.dumps([payload], ensure_ascii=False)) in content
    # Template syntax is data: shown as written above, never evaluated.
    assert "ormwatch-tests-not-secret" not in content
