"""Log lines are plain text: what comes from a request or a file path cannot forge a line.

"Escaped" for a log line means: one record is one line at the margin. Control
characters (newlines, carriage returns, escape sequences) from the request
path, a call site's path or function name are written as ``\\n``, ``\\r``,
``\\x1b``, so a reader or a log shipper never sees a second, made-up record.
The one exception is ormwatch's own: a fix of several lines follows its record
on indented lines. Markup needs no escaping here; a log viewer that renders
HTML must escape it itself.
"""

from __future__ import annotations

import importlib.util
import inspect
import logging
from pathlib import Path

import pytest
from django.test import Client

import ormwatch
from ormwatch._log import log_report
from tests import scenarios, scenarios_shape
from tests.testapp.models import Post

FORGED = "\nERROR forged line\r\x1b[31m\u2028"


def ormwatch_messages(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "ormwatch"]


def assert_one_line_each(messages: list[str]) -> None:
    assert messages
    for message in messages:
        assert message.isprintable(), repr(message)


@pytest.mark.django_db
def test_a_request_path_cannot_forge_a_log_line(
    settings: object, blog_data: list[Post], caplog: pytest.LogCaptureFixture
) -> None:
    settings.MIDDLEWARE = ["ormwatch.middleware.OrmWatchMiddleware"]  # type: ignore[attr-defined]
    settings.ORMWATCH = {"ENABLED": True}  # type: ignore[attr-defined]
    with caplog.at_level(logging.INFO, logger="ormwatch"):
        # %0A and %0D decode to a newline and a carriage return in request.path.
        Client().get("/posts/%0AERROR%20forged%20line%0D%1B[31m")
    (summary,) = ormwatch_messages(caplog)
    assert_one_line_each([summary])
    assert summary.startswith("GET /posts/\\nERROR forged line\\r\\x1b[31m: ")


@pytest.mark.django_db
def test_a_call_site_path_cannot_forge_a_log_line(
    tmp_path: Path, blog_data: list[Post], caplog: pytest.LogCaptureFixture
) -> None:
    folder = tmp_path / f"views{FORGED}"
    folder.mkdir()
    source = folder / "views.py"
    source.write_text(
        "from tests.testapp.models import Post\n"
        "\n"
        "def categories():\n"
        "    return [p.category.name for p in Post.objects.all()]\n"
    )
    spec = importlib.util.spec_from_file_location("log_lines_target", source)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    with ormwatch.watch() as report:
        module.categories()
    assert [f.kind for f in report.findings] == ["n_plus_one"]
    with caplog.at_level(logging.INFO, logger="ormwatch"):
        log_report(report, f"GET /{FORGED}")
    messages = ormwatch_messages(caplog)
    assert len(messages) == 2
    assert_one_line_each(messages)
    assert "views\\nERROR forged line\\r\\x1b[31m\\u2028/views.py:4" in messages[0]
    # The structured data keeps the real path for handlers that want it.
    record = next(r for r in caplog.records if r.levelno == logging.WARNING)
    assert FORGED in record.ormwatch["call_site"]["path"]  # type: ignore[attr-defined]


def logged_findings(report: ormwatch.Report, caplog: pytest.LogCaptureFixture) -> list[str]:
    with caplog.at_level(logging.INFO, logger="ormwatch"):
        log_report(report, "GET /")
    return [
        r.getMessage() for r in caplog.records if r.name == "ormwatch" and r.ormwatch.get("kind")
    ]  # type: ignore[attr-defined]


@pytest.mark.django_db
def test_a_duplicate_query_names_each_line_once(caplog: pytest.LogCaptureFixture) -> None:
    scenarios.seed()
    with ormwatch.watch() as report:
        scenarios.duplicate_bad()
    (message,) = logged_findings(report, caplog)
    first, second = (f"tests/scenarios.py:{line} duplicate_bad" for line in sites("duplicate_bad"))
    assert message.startswith("Duplicate query: the same SQL and parameters ran 2 times (")
    assert message.count(first) == 1
    assert message.count(second) == 1
    assert message.endswith(
        f"ms) at {first}, {second}; fix at line {first.split(':')[1].split()[0]}: "
        "rows = list(queryset)  # evaluate once, then reuse rows (or a cached_property)"
    )


@pytest.mark.django_db
def test_a_fix_of_several_lines_is_logged_whole_and_indented(
    caplog: pytest.LogCaptureFixture,
) -> None:
    scenarios_shape.seed()
    with ormwatch.watch() as report:
        scenarios_shape.in_queryset_bad()
    (finding,) = report.findings
    fix = (finding.fix or "").splitlines()
    assert len(fix) > 1
    (message,) = logged_findings(report, caplog)
    first, *rest = message.split("\n")
    assert first.startswith("Unexpected subquery")
    assert first.endswith(f"; fix at {finding.origin}:")
    assert rest == [f"    {line}" for line in fix]
    # A reader still sees one record: only its first line starts at the margin.
    assert_one_line_each([first, *(line.strip() for line in rest)])


def sites(function: str) -> list[int]:
    """The lines of ``scenarios.<function>``'s body that run a statement, in order."""
    lines, start = inspect.getsourcelines(getattr(scenarios, function))
    return [start + i for i, text in enumerate(lines) if "objects" in text]
