"""Run a real project's suite with ``--ormwatch-fix=verify`` and count what became of each fix.

    python scripts/precision/verify_fixes.py babybuddy --ormwatch . --out /tmp/realfixes
    python scripts/precision/verify_fixes.py linkding --ormwatch . --out /tmp/realfixes \
        -- bookmarks/tests/test_bookmarks_list_view.py        # some modules only
    python scripts/precision/verify_fixes.py babybuddy --out /tmp/realfixes --summarise

The run is ``measure.py``'s plugin run (same venv, ini, deselections) plus
``--ormwatch-fix=verify --ormwatch-patch=<name>-verify.patch`` and the
``_verifyplugin`` that logs every re-run to ``<name>-verify.jsonl``. Paths
after ``--`` replace the project's test paths. The summary counts the tests
with fixable findings, the edits, and per kind each fix kept or refused with
verify's reason; checks the written patch with ``git apply --check`` in the
project; and lists every fix text or edit holding a placeholder.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import time
from collections import Counter
from pathlib import Path
from typing import Any

from _projects import PROJECTS, Project
from _venv import checkout, prepare, source
from measure import git_commit, junit_counts

HERE = Path(__file__).resolve().parent
# What a fix must never hold: code a user cannot paste.
PLACEHOLDER = re.compile(r"\(\.\.\.\)|(?<![\w\"'])\.\.\.(?![\w\"'])|<the SQL>")


def run(
    project: Project, directory: Path, python: Path, ormwatch: Path, out: Path, paths: list[str]
) -> None:
    stem = out / f"{project.name}-verify"
    ini = out / f"{project.name}-pytest.ini"
    ini.write_text(
        f"[pytest]\npython_files = {project.python_files}\n"
        f"DJANGO_SETTINGS_MODULE = {project.settings}\n",
        encoding="utf-8",
    )
    log = stem.with_suffix(".jsonl")
    log.unlink(missing_ok=True)
    env = dict(os.environ)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env["PYTHONPATH"] = str(HERE)
    env["ORMWATCH_VERIFY_LOG"] = str(log)
    args = ["-c", str(ini), "--rootdir", str(directory), "-p", "no:cacheprovider", "-q"]
    args += [f"--junitxml={stem}.xml", "-p", "_verifyplugin"]
    args += [f"--deselect={nodeid}" for nodeid in project.deselect]
    args += ["--ormwatch=warn", f"--ormwatch-report={stem}.json"]
    args += ["--ormwatch-fix=verify", f"--ormwatch-patch={stem}.patch"]
    cmd = [str(python), "-m", "pytest", *args, *(paths or project.test_paths)]
    print("+", " ".join(cmd), f"> {stem}.log", flush=True)
    started = time.monotonic()
    with open(f"{stem}.log", "w", encoding="utf-8") as output:
        done = subprocess.run(cmd, cwd=directory, env=env, stdout=output, stderr=subprocess.STDOUT)
    meta = {
        "project": project.name,
        "project_source": source(directory),
        "command": " ".join(cmd),
        "cwd": str(directory),
        "exit_code": done.returncode,
        "wall_seconds": round(time.monotonic() - started, 1),
        "ormwatch_commit": git_commit(ormwatch),
        "date": time.strftime("%Y-%m-%d %H:%M"),
        **junit_counts(Path(f"{stem}.xml")),
    }
    Path(f"{stem}.meta.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(meta, indent=2), flush=True)


def _records(path: Path) -> list[dict[str, Any]]:
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    return [json.loads(line) for line in lines if line.strip()]


def placeholders(report: dict[str, Any]) -> list[str]:
    """Each fix text or edit of the report that holds a placeholder."""
    found: list[str] = []
    for test in report.get("tests", []):
        for f in test["findings"]:
            texts = [str(f.get("fix") or ""), *(str(e["text"]) for e in f.get("edits") or ())]
            bad = [t for t in texts if PLACEHOLDER.search(t)]
            found += [f"{test['nodeid']} {f['kind']}: {t!r}" for t in bad]
    return found


def summarise(project: Project, directory: Path, out: Path) -> None:
    stem = out / f"{project.name}-verify"
    records = _records(stem.with_suffix(".jsonl"))
    rows = [r for r in records if r["record"] == "row"]
    attempts = [r for r in records if r["record"] == "attempt"]
    report = json.loads(stem.with_suffix(".json").read_text(encoding="utf-8"))
    fixable = [
        (t["nodeid"], f) for t in report.get("tests", []) for f in t["findings"] if f.get("edits")
    ]
    findings = sum(len(t["findings"]) for t in report.get("tests", []))
    tests = len({n for n, _ in fixable})
    sites = {r["finding"] for r in rows}
    kept_sites = {r["finding"] for r in rows if r["verdict"] == "kept"}
    print(f"findings: {findings}; with edits: {len(fixable)} in {tests} tests")
    print(f"edits proposed: {sum(len(f['edits']) for _, f in fixable)}")
    print(f"sites (kind at call site): {len(sites)}, kept in some test: {len(kept_sites)}")
    print(f"re-runs: {len(attempts)}, {sum(a['seconds'] for a in attempts):.0f} s")
    table: Counter[tuple[str, str]] = Counter((r["finding"].split()[0], r["verdict"]) for r in rows)
    kinds = sorted({k for k, _ in table})
    verdicts = sorted({v for _, v in table}, key=lambda v: (v != "kept", v))
    print("\n| kind | fixes | " + " | ".join(verdicts) + " |")
    print("| --- | ---: | " + " | ".join("---:" for _ in verdicts) + " |")
    for kind in [*kinds, "all"]:
        counts = [
            sum(n for (k, v), n in table.items() if v == verdict and kind in (k, "all"))
            for verdict in verdicts
        ]
        print(f"| {kind} | {sum(counts)} | " + " | ".join(str(c) for c in counts) + " |")
    print("\nrefused:")
    for r in rows:
        if r["verdict"] != "kept":
            after = "" if r["after"] is None else f" -> {r['after']}"
            print(f"  {r['nodeid']}  {r['finding']}  {r['before']}{after}  {r['verdict']}")
    patch = stem.with_suffix(".patch")
    if patch.exists():
        check = subprocess.run(
            ["git", "apply", "--check", "--verbose", str(patch)],
            cwd=directory,
            capture_output=True,
            text=True,
        )
        status = "applies" if check.returncode == 0 else f"FAILS: {check.stderr.strip()}"
        files = len(re.findall(r"^\+\+\+ ", patch.read_text(encoding="utf-8"), re.M))
        print(f"\ngit apply --check {patch.name} in {directory}: {status} ({files} file(s))")
    else:
        print("\nno patch written")
    bad = placeholders(report) + [
        f"patch: {line!r}"
        for line in (patch.read_text(encoding="utf-8").splitlines() if patch.exists() else [])
        if line.startswith("+") and PLACEHOLDER.search(line)
    ]
    print(f"placeholders in fix texts, edits or the patch: {len(bad)}")
    for line in bad:
        print("  ", line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("project", choices=sorted(PROJECTS))
    parser.add_argument("--ormwatch", type=Path, help="ormwatch checkout to install and test")
    parser.add_argument("--out", type=Path, required=True, help="directory for the results")
    parser.add_argument("--projects-dir", type=Path, default=Path("/work/projects"))
    parser.add_argument("--git-dir", type=Path, help="bare mirror to check the project out from")
    parser.add_argument("--summarise", action="store_true", help="only summarise an earlier run")
    parser.add_argument("paths", nargs="*", help="after --: test paths instead of the project's")
    options = parser.parse_args()

    project = PROJECTS[options.project]
    directory = options.projects_dir / project.name
    out = options.out.resolve()
    if not options.summarise:
        if options.ormwatch is None:
            parser.error("--ormwatch is required to run")
        checkout(project, directory, options.git_dir)
        python = prepare(project, directory, options.ormwatch, None)
        out.mkdir(parents=True, exist_ok=True)
        run(project, directory, python, options.ormwatch, out, options.paths)
    summarise(project, directory, out)


if __name__ == "__main__":
    main()
