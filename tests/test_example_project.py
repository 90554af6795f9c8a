"""The example project's own tests (example_project/test_pages.py), run in a subprocess.

They need the example project's settings (``config.settings``), which cannot be
loaded in this process next to ``tests.settings``. They request every page the
index lists: each bad page must make ormwatch report exactly its kinds, each
fixed page nothing. Their database is in memory, never example_project/db.sqlite3.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

EXAMPLE_PROJECT = Path(__file__).resolve().parent.parent / "example_project"


def test_the_example_project_pages_report_what_they_teach() -> None:
    # Nothing of this run may leak in: its settings module, its pytest options
    # (--ormwatch=fail would fail every bad page on purpose).
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST_"))}
    env["EXAMPLE_DB"] = ":memory:"
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "--color=no"],
        cwd=EXAMPLE_PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    summary = result.stdout.strip().splitlines()[-1]
    passed = re.search(r"(\d+) passed", summary)
    assert passed is not None, output
    assert int(passed[1]) >= 20, summary
    assert not re.search(r"\b(failed|errors?|skipped)\b", summary), summary
