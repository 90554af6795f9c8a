"""JSON and self-contained HTML reports of a test run, for CI artifacts.

Paths are relative to the rootdir, as pytest's terminal names tests; the
absolute path of a site stays beside it as ``abs_path``.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any


def relative_sites(finding: dict[str, Any], rootdir: Path) -> None:
    """Rewrite the paths of ``finding``'s sites and edits (``abs_path`` kept) in place."""
    sites = ("call_site", "origin", "loop_site")
    for site in (*(finding.get(name) for name in sites), *finding.get("edits", ())):
        _relative(site, rootdir)
    _relative_in(finding.get("details"), rootdir)


def _relative_in(value: Any, rootdir: Path) -> None:
    if isinstance(value, dict):
        if {"path", "line", "function"} <= value.keys():
            _relative(value, rootdir)
            return
        value = list(value.values())
    if isinstance(value, list):
        for item in value:
            _relative_in(item, rootdir)


def _relative(site: dict[str, Any] | None, rootdir: Path) -> None:
    if not site or "abs_path" in site or not os.path.isabs(str(site.get("path", ""))):
        return
    path = str(site["path"])
    site["abs_path"] = path
    with contextlib.suppress(ValueError):  # another drive on Windows: keep it absolute
        relative = os.path.relpath(path, rootdir)
        if not relative.startswith(".."):  # outside the rootdir: absolute says more
            site["path"] = relative


def as_data(results: dict[str, list[dict[str, Any]]], counts: dict[str, int]) -> dict[str, Any]:
    tests = [
        {"nodeid": nodeid, "query_count": counts.get(nodeid, 0), "findings": findings}
        for nodeid, findings in results.items()
    ]
    by_kind: dict[str, int] = {}
    for findings in results.values():
        for finding in findings:
            by_kind[finding["kind"]] = by_kind.get(finding["kind"], 0) + 1
    return {
        "version": 1,
        "summary": {
            "tests": len(tests),
            "tests_with_findings": sum(1 for findings in results.values() if findings),
            "findings": by_kind,
        },
        "tests": tests,
    }


def write_reports(
    paths: Sequence[Path],
    results: dict[str, list[dict[str, Any]]],
    counts: dict[str, int],
    rootdir: Path | None = None,
) -> None:
    data = as_data(results, counts)
    for path in paths:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.suffix == ".json":
            path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        else:
            path.write_text(_html(data, rootdir or Path.cwd()), encoding="utf-8")


def _diffs(data: dict[str, Any], rootdir: Path) -> dict[int, dict[str, Any]]:
    """id(finding) -> its edits as a unified diff (hunks) and the lines they replace."""
    from ormwatch._fix._patch import unified_diff
    from ormwatch._pytest._fixes import edits_of

    shown: dict[int, dict[str, Any]] = {}
    for test in data["tests"]:
        for finding in test["findings"]:
            edits = edits_of(finding)
            if edits:
                first = finding["edits"][0]
                shown[id(finding)] = {
                    "diff": unified_diff(edits, str(rootdir)).splitlines(),
                    "lines": f"{first['path']}:{first['start_line']}-{first['end_line']}"
                    if first["end_line"] > first["start_line"]
                    else f"{first['path']}:{first['start_line']}",
                }
    return shown


def _html(data: dict[str, Any], rootdir: Path) -> str:
    import importlib.resources

    import jinja2

    folder = importlib.resources.files("ormwatch") / "templates"
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(folder)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    diffs = _diffs(data, rootdir)
    return env.get_template("ormwatch/pytest_report.html").render(
        data=data, diff=lambda finding: diffs.get(id(finding))
    )
