"""The README's LOGGING example, run as written: a reader tells findings from summaries.

The snippet is read from README.md and becomes a settings module of its own
(over the suite's settings), so Django configures logging from it exactly as
it would in a project; a pytester subprocess keeps that configuration out of
this test run.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.conftest import pytester_environment

README = Path(__file__).resolve().parent.parent / "README.md"

INNER = """
import pytest
from django.test import Client
from tests import scenarios


@pytest.mark.django_db
def test_template_loop_page():
    scenarios.seed()
    assert Client().get("/posts/").status_code == 200
"""


def readme_section(title: str) -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index(f"\n## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else len(text)]


def code_blocks(section: str, language: str) -> list[str]:
    """The fenced blocks of ``language`` ("" for none), in order."""
    blocks: list[str] = []
    current: list[str] | None = None
    fence = ""
    for line in section.splitlines():
        if current is None and line.startswith("```"):
            current, fence = [], line[3:].strip()
        elif current is not None and line == "```":
            if fence == language:
                blocks.append("\n".join(current) + "\n")
            current = None
        elif current is not None:
            current.append(line)
    return blocks


def test_the_readme_logging_example_shows_the_level(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    section = readme_section("Logging")
    snippet = code_blocks(section, "python")[0]
    assert "LOGGING = {" in snippet
    pytester_environment(monkeypatch)
    monkeypatch.setenv("PYTHONPATH", f"{os.environ['PYTHONPATH']}{os.pathsep}{pytester.path}")
    monkeypatch.setenv("DJANGO_SETTINGS_MODULE", "readme_settings")
    pytester.makepyfile(
        readme_settings=f"from tests.settings import *  # noqa: F403\n\n{snippet}",
        test_readme=INNER,
    )
    # DEBUG on, as in development: the README's middleware records while it is
    # (pytest-django turns it off by default); -s lets the handler reach stderr.
    result = pytester.runpytest_subprocess(
        "-p", "pytest_django", "-p", "no:cacheprovider", "-s", "-o", "django_debug_mode=true"
    )
    result.assert_outcomes(passed=1)
    logged = [line for line in result.stderr.lines if "[ormwatch]" in line]
    assert len(logged) == 2, result.stderr.lines
    warning, summary = logged
    assert warning.startswith("WARNING [ormwatch] N+1: 4 queries loading testapp.Post.category (")
    assert summary.startswith("INFO    [ormwatch] GET /posts/: 5 queries, ")
    # The README shows the same two lines (its page has more posts).
    shown = code_blocks(section, "")[0].splitlines()
    assert (
        [before_a_number(line) for line in shown]
        == [before_a_number(line) for line in logged]
        == ["WARNING [ormwatch] N+", "INFO    [ormwatch] GET /posts/: "]
    )


def before_a_number(line: str) -> str:
    return re.split(r"\d", line, maxsplit=1)[0]
