"""Check a project out; give it a venv with its requirements, pytest-django and ormwatch."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from _projects import Project

VENV = ".venv-ormwatch"
SOURCE_FILE = ".ormwatch-precision-source"
# Read by the project's own interpreter (linkding needs 3.13, which has tomllib).
_READ_DEPENDENCIES = (
    "import json, tomllib; "
    "print(json.dumps(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))"
)


def run(cmd: list[str], cwd: Path | None = None) -> None:
    print("+", " ".join(cmd), flush=True)
    subprocess.run(cmd, cwd=cwd, check=True)


def checkout(project: Project, directory: Path, git_dir: Path | None) -> None:
    """Export ``git_dir``'s HEAD into ``directory`` (a plain tree, never a repository of ours)."""
    if directory.exists():
        return
    if git_dir is None:
        sys.exit(f"{directory} is missing: pass --git-dir (the fetched mirror of {project.repo})")
    commit = subprocess.run(
        ["git", "--git-dir", str(git_dir), "rev-parse", "HEAD"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    directory.mkdir(parents=True)
    archive = subprocess.Popen(
        ["git", "--git-dir", str(git_dir), "archive", commit], stdout=subprocess.PIPE
    )
    subprocess.run(["tar", "x", "-C", str(directory)], stdin=archive.stdout, check=True)
    if archive.wait() != 0:
        sys.exit("git archive failed")
    (directory / SOURCE_FILE).write_text(f"{project.repo} {commit}\n", encoding="utf-8")


def source(directory: Path) -> str:
    """``owner/name commit`` of the checked-out project, when the harness checked it out."""
    path = directory / SOURCE_FILE
    return path.read_text(encoding="utf-8").strip() if path.exists() else "unknown"


def find_python(version: str) -> str:
    """The newest pyenv interpreter of ``version`` (e.g. ``3.13``), else ``python<version>``."""
    candidates = sorted(
        (Path.home() / ".pyenv" / "versions").glob(f"{version}.*/bin/python"),
        key=lambda p: [int(x) for x in p.parent.parent.name.split(".") if x.isdigit()],
    )
    return str(candidates[-1]) if candidates else f"python{version}"


def prepare(project: Project, directory: Path, ormwatch: Path, python: str | None) -> Path:
    """Create the venv once, install the project's requirements once, ormwatch every time.

    ormwatch is installed editable from ``ormwatch`` on every call, so one venv
    measures whichever checkout or branch the command line names.
    """
    venv = directory / VENV
    bin_python = venv / "bin" / "python"
    if not bin_python.exists():
        run([python or find_python(project.python), "-m", "venv", str(venv)])
    stamp = venv / ".requirements-installed"
    pip = [str(bin_python), "-m", "pip", "install", "-q"]
    if not stamp.exists():
        if project.pyproject_dependencies:
            found = subprocess.run(
                [str(bin_python), "-c", _READ_DEPENDENCIES],
                cwd=directory,
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            skipped = project.skip_dependencies
            deps = [d for d in json.loads(found) if not d.lower().startswith(skipped)]
            run([*pip, *deps], cwd=directory)
        if project.requirements_file:
            lines = (directory / project.requirements_file).read_text(encoding="utf-8")
            kept = [x for x in lines.splitlines() if not x.startswith(("-i ", "--index-url"))]
            requirements = venv / "requirements.txt"
            requirements.write_text("\n".join(kept) + "\n", encoding="utf-8")
            run([*pip, "-r", str(requirements)], cwd=directory)
        run([*pip, *project.extra_packages], cwd=directory)
        stamp.write_text("ok\n", encoding="utf-8")
    run([*pip, "-e", str(ormwatch.resolve())], cwd=directory)
    for name in project.directories:
        (directory / name).mkdir(parents=True, exist_ok=True)
    return bin_python
