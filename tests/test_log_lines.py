"""Log lines are plain text: what comes from a request or a file path cannot forge a line.

"Escaped" for a log line means: one record is one line. Control characters
(newlines, carriage returns, escape sequences) from the request path, a call
site's path or function name are written as ``\\n``, ``\\r``, ``\\x1b``, so a
reader or a log shipper never sees a second, made-up record. Markup needs no
escaping here; a log viewer that renders HTML must escape it itself.
"""

from __future__ import annotations

import importlib.util
import logging
from pathlib import Path

import pytest
from django.test import Client

import ormwatch
from ormwatch._log import log_report
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
