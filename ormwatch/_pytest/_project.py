"""A copy of the project where one test at a time runs again with some files rewritten.

The rootdir is copied once (without version control, virtualenvs and caches);
for each run the rewritten files are written into the copy, the test runs in
a subprocess of the same Python with the same plugins, settings module and
ini file, and the files are put back. The subprocess writes bytecode nowhere:
two runs may write files of the same size within the same second, which a
cached ``.pyc`` would not tell apart.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

__all__ = ["Project", "Rerun"]

_IGNORED = (
    ".git",
    ".hg",
    ".venv",
    "venv",
    ".tox",
    ".nox",
    "node_modules",
    "__pycache__",
    "*.pyc",
    ".pytest_cache",
    ".mypy_cache",
    ".ruff_cache",
)
# Options of the run that the re-run needs to find the same settings and tests.
_PASSED_ON = (("ds", "--ds"), ("dc", "--dc"))
# Seconds one re-run may take: a test that hangs with a fix must not hang the session.
RERUN_TIMEOUT = 600.0


@dataclass
class Rerun:
    """One test's re-run: did it pass, how many queries, which findings (plain dicts)."""

    passed: bool
    query_count: int
    findings: list[dict[str, Any]] = field(default_factory=list)
    output: str = ""
    timed_out: bool = False


class Project:
    """The copy of ``config.rootpath``; use as a context manager (the copy is removed)."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.rootdir = config.rootpath
        self._temp = Path(tempfile.mkdtemp(prefix="ormwatch-verify-"))
        self.copy = self._temp / self.rootdir.name

    def __enter__(self) -> Project:
        temp = str(self._temp)

        def ignore(folder: str, names: list[str]) -> set[str]:
            skipped = set(shutil.ignore_patterns(*_IGNORED)(folder, names))
            # A virtualenv of any name (.venv-3.12, env): the re-run uses the running Python.
            skipped |= {n for n in names if os.path.isfile(os.path.join(folder, n, "pyvenv.cfg"))}
            # A temporary folder inside the project must not copy itself.
            return skipped | {n for n in names if os.path.join(folder, n) == temp}

        shutil.copytree(self.rootdir, self.copy, symlinks=True, ignore=ignore)
        return self

    def __exit__(self, *exc: object) -> None:
        shutil.rmtree(self._temp, ignore_errors=True)

    def in_copy(self, path: str) -> Path:
        return self.copy / os.path.relpath(path, self.rootdir)

    def holds(self, path: str) -> bool:
        """Is ``path`` a file of the project that the copy has?"""
        try:
            relative = os.path.relpath(path, self.rootdir)
        except ValueError:  # another drive on Windows
            return False
        return not relative.startswith("..") and (self.copy / relative).is_file()

    def run(self, nodeid: str, files: dict[str, list[str]]) -> Rerun:
        """Run ``nodeid`` in the copy with ``files`` (original path -> new lines) written."""
        for path, lines in files.items():
            self.in_copy(path).write_text("\n".join(lines) + "\n", encoding="utf-8")
        try:
            return self._run(nodeid)
        finally:
            for path in files:
                shutil.copyfile(path, self.in_copy(path))

    def _run(self, nodeid: str) -> Rerun:
        report = self._temp / "report.json"
        report.unlink(missing_ok=True)
        try:
            done = subprocess.run(
                [*self._command(nodeid), f"--ormwatch-report={report}"],
                cwd=self.copy,
                env=self._environment(),
                capture_output=True,
                text=True,
                check=False,
                timeout=RERUN_TIMEOUT,
            )
        except subprocess.TimeoutExpired:
            output = f"no result after {RERUN_TIMEOUT:g} s"
            return Rerun(passed=False, query_count=0, output=output, timed_out=True)
        output = done.stdout + done.stderr
        if not report.exists():
            return Rerun(passed=False, query_count=0, output=output)
        tests = json.loads(report.read_text(encoding="utf-8"))["tests"]
        test = next((t for t in tests if t["nodeid"] == nodeid), None)
        if test is None:
            return Rerun(passed=False, query_count=0, output=output)
        return Rerun(done.returncode == 0, int(test["query_count"]), test["findings"], output)

    def _command(self, nodeid: str) -> list[str]:
        config = self.config
        command = [sys.executable, "-m", "pytest", nodeid, "-q", "-p", "no:cacheprovider"]
        command += [f"--rootdir={self.copy}", "--ormwatch=warn", "--ormwatch-fix=off"]
        command += _plugins(config.invocation_params.args)
        if config.inipath is not None:
            ini = config.inipath
            inside = not os.path.relpath(ini, self.rootdir).startswith("..")
            command += ["-c", str(self.in_copy(str(ini)) if inside else ini)]
        for name, flag in _PASSED_ON:
            value = config.getoption(name, None)
            if value:
                command.append(f"{flag}={value}")
        if config.getoption("nomigrations", False):
            command.append("--nomigrations")
        if config.pluginmanager.has_plugin("xdist"):
            command.append("-n0")  # one test: no workers, even if the ini's addopts asks
        return command

    def _environment(self) -> dict[str, str]:
        env = dict(os.environ)
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        # The parent may run as an xdist worker's child: the re-run is its own session.
        for name in ("PYTEST_XDIST_WORKER", "PYTEST_XDIST_WORKER_COUNT", "PYTEST_XDIST_TESTRUNUID"):
            env.pop(name, None)
        # An import path into the project must now point into the copy.
        paths = env.get("PYTHONPATH", "").split(os.pathsep) if env.get("PYTHONPATH") else []
        env_paths = [self._mapped(p) for p in paths]
        if env_paths:
            env["PYTHONPATH"] = os.pathsep.join(env_paths)
        return env

    def _mapped(self, path: str) -> str:
        if not path or not os.path.isabs(path):
            return path
        relative = os.path.relpath(path, self.rootdir)
        return path if relative.startswith("..") else str(self.copy / relative)


def _plugins(args: tuple[str, ...] | list[str]) -> list[str]:
    """The ``-p`` options of the run (plugins loaded or blocked by name)."""
    found: list[str] = []
    it = iter(args)
    for arg in it:
        name = next(it, "") if arg == "-p" else arg[2:] if arg.startswith("-p") else None
        if name and name != "no:cacheprovider":
            found += ["-p", name.lstrip("=")]
    return found
