"""The ``warn`` mode summary: findings grouped by call site across the whole run."""

from __future__ import annotations

import re
from typing import Any

# Messages carry timings ("(0.7 ms)"): the same finding from two tests, or two
# runs, differs only there, and must still count once.
_TIMING = re.compile(r"\d+(?:\.\d+)? ms\b")


def _site(site: dict[str, Any] | None) -> str:
    # The path is already relative to the rootdir, as in the reports (see _reports).
    if not site:
        return "(no user code on the stack)"
    return f"{site['path']}:{site['line']} {site['function']}"


def write_summary(reporter: Any, results: dict[str, list[dict[str, Any]]]) -> None:
    groups: dict[str, dict[str, Any]] = {}
    for nodeid, findings in results.items():
        for finding in findings:
            if not finding["new"]:
                continue
            site = _site(finding.get("call_site"))
            group = groups.setdefault(site, {"tests": set(), "findings": {}})
            group["tests"].add(nodeid)
            same = (finding["kind"], _TIMING.sub("ms", finding["message"]))
            group["findings"].setdefault(same, finding)
    reporter.write_sep("=", "ormwatch findings")
    if not groups:
        reporter.write_line("no findings")
        return
    for site, group in sorted(groups.items()):
        tests = sorted(group["tests"])
        reporter.write_line(f"{site}  ({len(tests)} test{'s' if len(tests) > 1 else ''})")
        for finding in group["findings"].values():
            reporter.write_line(f"  [{finding['kind']}] {finding['message']}")
            fix = str(finding.get("fix") or "").splitlines()
            if fix:
                origin = f" at {_site(finding['origin'])}" if finding.get("origin") else ""
                if len(fix) == 1:
                    reporter.write_line(f"    fix{origin}: {fix[0]}")
                else:  # a fix of several lines, whole
                    reporter.write_line(f"    fix{origin}:")
                    for line in fix:
                        reporter.write_line(f"      {line}")
        reporter.write_line(f"    e.g. {tests[0]}")
    total = sum(len(g["findings"]) for g in groups.values())
    reporter.write_line(f"{total} finding(s) at {len(groups)} call site(s)")
