"""Applying ormwatch's fixes for real: write code to a file, run it, patch it, run it again.

A fix is code a user pastes. The only proof that it works is to apply the
patch ormwatch writes (``git apply``, as the user would) to a copy of the code,
import the patched module afresh and run it: the finding must be gone, the
queries must not grow, and the code must return what it returned before.
"""

from __future__ import annotations

import importlib
import linecache
import subprocess
import sys
import textwrap
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import ormwatch


@dataclass
class Run:
    result: Any
    report: ormwatch.Report

    @property
    def kinds(self) -> list[str]:
        return sorted(f.kind for f in self.report.findings if not f.informational)

    @property
    def infos(self) -> list[str]:
        return sorted(f.kind for f in self.report.findings if f.informational)


@dataclass
class Applied:
    before: Run
    after: Run
    patch: str
    source: str  # the patched module's text


def _load(path: Path) -> Any:
    name = path.stem
    sys.modules.pop(name, None)
    linecache.checkcache(str(path))
    importlib.invalidate_caches()
    return importlib.import_module(name)


def _run(function: Callable[[], Any]) -> Run:
    with ormwatch.watch() as report:
        result = function()
    return Run(result, report)


def apply_fixes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, source: str, entry: str = "view"
) -> Applied:
    """Run ``entry`` of ``source``, apply ``report.patch()`` with ``git apply``, run it again."""
    monkeypatch.setattr(sys, "dont_write_bytecode", True)  # same mtime, new text: no stale .pyc
    monkeypatch.syspath_prepend(str(tmp_path))
    path = tmp_path / f"fixcase_{uuid.uuid4().hex[:12]}.py"
    path.write_text(textwrap.dedent(source).lstrip())
    before = _run(getattr(_load(path), entry))
    patch = before.report.patch(cwd=str(tmp_path))
    (tmp_path / "ormwatch.patch").write_text(patch)
    for check in (["--check"], []) if patch else ():  # git refuses an empty patch
        done = subprocess.run(
            ["git", "apply", *check, "ormwatch.patch"],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, f"git apply {check} failed:\n{done.stderr}\n{patch}"
    after = _run(getattr(_load(path), entry))
    sys.modules.pop(path.stem, None)
    return Applied(before, after, patch, path.read_text())
