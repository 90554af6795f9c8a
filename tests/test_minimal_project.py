"""ormwatch in a project without contrib apps, run in a fresh interpreter."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = """
import django
from django.conf import settings

settings.configure(
    INSTALLED_APPS=["ormwatch"],
    DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
)
django.setup()

import logging
logging.basicConfig(level=logging.ERROR)

import ormwatch
from django.db import connection

with ormwatch.watch() as report, connection.cursor() as cursor:
    cursor.execute("SELECT 1")
(query,) = report.queries
print(query.call_site.line if query.call_site else None)
"""


def test_a_project_without_contenttypes_keeps_call_sites(tmp_path: Path) -> None:
    script = tmp_path / "minimal.py"
    script.write_text(SCRIPT)
    root = Path(__file__).resolve().parent.parent
    result = subprocess.run(
        [sys.executable, str(script)],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
    )
    assert "internal error" not in result.stderr, result.stderr
    line = SCRIPT.splitlines().index('    cursor.execute("SELECT 1")') + 1
    assert result.stdout.strip() == str(line)
