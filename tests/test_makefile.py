"""What the Makefile's targets install into a fresh clone's ``.venv``.

``make -n`` prints the recipes a target would run without running them; with
``VENV`` pointing at a folder that does not exist, every install step is
printed, as on a fresh clone.
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs make")


def installs(target: str, tmp_path: Path) -> list[str]:
    """The arguments of every ``pip install`` that ``make TARGET`` runs on a fresh clone."""
    done = subprocess.run(
        ["make", "-n", target, f"VENV={tmp_path / 'venv'}"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    found: list[str] = []
    for line in done.stdout.splitlines():
        words = shlex.split(line)
        if words[1:4] == ["-m", "pip", "install"]:
            found.extend(words[4:])
    return found


def name(requirement: str) -> str:
    return re.split(r"[<>=~!\[; ]", requirement, maxsplit=1)[0].lower()


def test_demo_installs_the_package_and_the_toolbar_only(tmp_path: Path) -> None:
    # README: `make demo` installs ormwatch "with django-debug-toolbar".
    assert installs("demo", tmp_path) == ["-e", ".[toolbar]"]


def test_test_target_installs_the_test_group(tmp_path: Path) -> None:
    args = installs("test", tmp_path)
    assert args[:2] == ["-e", ".[toolbar,pytest]"]
    if sys.version_info < (3, 11):
        pytest.skip("reading pyproject.toml needs tomllib (Python 3.11)")
    import tomllib

    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text())
    extras = pyproject["project"]["optional-dependencies"]
    from_extras = {name(r) for extra in ("toolbar", "pytest") for r in extras[extra]}
    group = {name(r) for r in pyproject["dependency-groups"]["test"]}
    # TEST_TOOLS mirrors the group: the test tools the extras do not bring.
    assert {name(a) for a in args[2:]} == group - from_extras
