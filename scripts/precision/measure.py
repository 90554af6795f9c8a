"""Run a real project's whole test suite with ormwatch and keep the findings.

    python scripts/precision/measure.py linkding --ormwatch . --out /tmp/precision \
        --git-dir /work/.mirror/sissbruecker+linkding/repo

Two runs, each a plain single-process pytest over the whole suite:
``tests``: the pytest plugin, ``--ormwatch=warn --ormwatch-report=<name>-tests.json``;
``middleware``: the project's settings plus ``OrmWatchMiddleware``, its
``ormwatch`` log records written to ``<name>-middleware.jsonl``.
Each run also leaves ``<name>-<run>.log`` (pytest's output), ``.xml`` (JUnit)
and ``.meta.json`` (command, wall time, test counts, commits).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from _projects import PROJECTS, Project
from _venv import checkout, prepare, source

HERE = Path(__file__).resolve().parent

_MIDDLEWARE_SETTINGS = """\
from {settings} import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "ormwatch"]  # noqa: F405
# First, so the request's whole middleware stack is recorded.
MIDDLEWARE = ["ormwatch.middleware.OrmWatchMiddleware", *MIDDLEWARE]  # noqa: F405
ORMWATCH = {{"ENABLED": True}}
LOGGING = dict(globals().get("LOGGING") or {{"version": 1, "disable_existing_loggers": False}})
LOGGING["handlers"] = {{
    **LOGGING.get("handlers", {{}}),
    "ormwatch_jsonl": {{"class": "_jsonlog.JsonLinesHandler", "filename": {jsonl!r}}},
}}
LOGGING["loggers"] = {{
    **LOGGING.get("loggers", {{}}),
    "ormwatch": {{"handlers": ["ormwatch_jsonl"], "level": "INFO", "propagate": False}},
}}
"""


def junit_counts(path: Path) -> dict[str, int]:
    counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    if not path.exists():
        return counts
    root = ET.parse(path).getroot()
    for suite in root.iter("testsuite"):
        for key in counts:
            counts[key] += int(suite.get(key, "0"))
    counts["passed"] = counts["tests"] - counts["failures"] - counts["errors"] - counts["skipped"]
    return counts


def git_commit(path: Path) -> str:
    done = subprocess.run(
        ["git", "-C", str(path), "rev-parse", "HEAD"], capture_output=True, text=True
    )
    dirty = subprocess.run(
        ["git", "-C", str(path), "status", "--porcelain", "--untracked-files=no"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    return done.stdout.strip() + (" (with uncommitted changes)" if dirty else "")


def run_suite(
    project: Project,
    directory: Path,
    python: Path,
    out: Path,
    ormwatch: Path,
    which: str,
    extra: list[str],
) -> dict[str, Any]:
    stem = out / f"{project.name}-{which}"
    ini = out / f"{project.name}-pytest.ini"
    ini.write_text(
        f"[pytest]\npython_files = {project.python_files}\n"
        f"DJANGO_SETTINGS_MODULE = {project.settings}\n",
        encoding="utf-8",
    )
    env = dict(os.environ)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    args = ["-c", str(ini), "--rootdir", str(directory), "-p", "no:cacheprovider", "-q"]
    args += [f"--junitxml={stem}.xml"]
    args += [f"--deselect={nodeid}" for nodeid in project.deselect]
    if which == "tests":
        args += ["--ormwatch=warn", f"--ormwatch-report={stem}.json"]
    else:
        jsonl = stem.with_suffix(".jsonl")
        jsonl.unlink(missing_ok=True)
        settings_dir = out / f"{project.name}-settings"
        settings_dir.mkdir(exist_ok=True)
        (settings_dir / "ormwatch_precision_settings.py").write_text(
            _MIDDLEWARE_SETTINGS.format(settings=project.settings, jsonl=str(jsonl)),
            encoding="utf-8",
        )
        env["PYTHONPATH"] = os.pathsep.join([str(settings_dir), str(HERE), str(directory)])
        args += ["--ds", "ormwatch_precision_settings"]
    cmd = [str(python), "-m", "pytest", *args, *extra, *project.test_paths]
    print("+", " ".join(cmd), f"> {stem}.log", flush=True)
    started = time.monotonic()
    with open(f"{stem}.log", "w", encoding="utf-8") as log:
        done = subprocess.run(cmd, cwd=directory, env=env, stdout=log, stderr=subprocess.STDOUT)
    meta = {
        "project": project.name,
        "project_source": source(directory),
        "run": which,
        "command": " ".join(cmd),
        "cwd": str(directory),
        "exit_code": done.returncode,
        "wall_seconds": round(time.monotonic() - started, 1),
        "ormwatch": str(ormwatch.resolve()),
        "ormwatch_commit": git_commit(ormwatch),
        "date": time.strftime("%Y-%m-%d %H:%M"),
        **junit_counts(Path(f"{stem}.xml")),
    }
    Path(f"{stem}.meta.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(meta, indent=2), flush=True)
    return meta


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("project", choices=sorted(PROJECTS))
    parser.add_argument("--ormwatch", type=Path, required=True, help="ormwatch checkout to test")
    parser.add_argument("--out", type=Path, required=True, help="directory for the results")
    parser.add_argument("--projects-dir", type=Path, default=Path("/work/projects"))
    parser.add_argument("--git-dir", type=Path, help="bare mirror to check the project out from")
    parser.add_argument("--python", help="interpreter for the venv (default: pyenv's newest)")
    parser.add_argument(
        "--runs", default="tests,middleware", help='tests, middleware, both, or "" (set up only)'
    )
    parser.add_argument("pytest_args", nargs="*", help="after --: extra pytest arguments")
    options = parser.parse_args()

    project = PROJECTS[options.project]
    directory = options.projects_dir / project.name
    checkout(project, directory, options.git_dir)
    python = prepare(project, directory, options.ormwatch, options.python)
    options.out.mkdir(parents=True, exist_ok=True)
    for which in filter(None, options.runs.split(",")):
        run_suite(
            project,
            directory,
            python,
            options.out.resolve(),
            options.ormwatch,
            which,
            options.pytest_args,
        )


if __name__ == "__main__":
    main()
