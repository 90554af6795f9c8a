"""Re-run some tests of a project and show each finding with the stacks of its queries.

    python scripts/precision/explain.py linkding \
        "bookmarks/tests/test_feeds.py::FeedsTestCase::test_all_returns_all_unarchived_bookmarks"

Uses the venv ``measure.py`` made; the stacks are the user frames ormwatch
kept (``STACK_DEPTH``), which is what classifying a finding needs.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from _projects import PROJECTS
from _venv import VENV

HERE = Path(__file__).resolve().parent


def show(test: dict[str, Any], root: str, kinds: set[str]) -> None:
    queries = {q["index"]: q for q in test["queries"]}
    print(f"== {test['nodeid']}: {test['query_count']} queries")
    for f in test["findings"]:
        if kinds and f["kind"] not in kinds:
            continue
        print(f"-- [{f['kind']}/{f['severity']}] {f['message']}")
        print(f"   call site {_site(f['call_site'], root)}  origin {_site(f['origin'], root)}")
        print(f"   fix: {f['fix']}")
        seen: set[tuple[str, ...]] = set()
        for index in f["queries"]:
            q = queries.get(index)
            if q is None:
                continue
            stack = tuple(_site(s, root) for s in q["stack"])
            if stack in seen:
                continue
            seen.add(stack)
            print(f"   #{index} {q['sql'][:110]}")
            for s in stack:
                print(f"       {s}")


def _site(site: dict[str, Any] | None, root: str) -> str:
    if not site:
        return "-"
    path = str(site["path"]).removeprefix(root)
    return f"{path}:{site['line']} {site['function']} | {str(site.get('code') or '').strip()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("project", choices=sorted(PROJECTS))
    parser.add_argument("tests", nargs="+", help="pytest node ids, relative to the project")
    parser.add_argument("--projects-dir", type=Path, default=Path("/work/projects"))
    parser.add_argument("--kind", action="append", default=[], help="only these kinds")
    parser.add_argument("--dump", type=Path, help="also keep the raw reports (JSON lines) here")
    parser.add_argument("--quiet", action="store_true", help="print nothing (with --dump)")
    options = parser.parse_args()
    project = PROJECTS[options.project]
    directory = options.projects_dir / project.name
    with tempfile.TemporaryDirectory() as tmp:
        dump = Path(tmp) / "dump.jsonl"
        ini = Path(tmp) / "pytest.ini"
        ini.write_text(
            f"[pytest]\npython_files = {project.python_files}\n"
            f"DJANGO_SETTINGS_MODULE = {project.settings}\n",
            encoding="utf-8",
        )
        env = {**os.environ, "ORMWATCH_DUMP": str(dump)}
        env["PYTHONPATH"] = os.pathsep.join([str(HERE), str(directory)])
        cmd = [str(directory / VENV / "bin" / "python"), "-m", "pytest", "-c", str(ini)]
        cmd += ["--rootdir", str(directory), "-p", "no:cacheprovider", "-q", "-p", "_dumpplugin"]
        subprocess.run([*cmd, *options.tests], cwd=directory, env=env, capture_output=True)
        if not dump.exists():
            raise SystemExit("no test ran: check the node ids")
        text = dump.read_text(encoding="utf-8")
        if options.dump:
            options.dump.write_text(text, encoding="utf-8")
        for line in [] if options.quiet else text.splitlines():
            show(json.loads(line), str(directory) + "/", set(options.kind))


if __name__ == "__main__":
    main()
