"""``--ormwatch-fix=verify``: keep a fix only when re-running its test proves it.

Each test with fixable findings runs again in a copy of the project with the
edits of its findings applied (all of them first; if that fails, each finding
alone, so one bad fix does not cost the good ones). An edit is kept when the
test still passes, its finding is gone, no new non-info finding appeared and
the test ran no more queries; fewer, when the finding says its fix saves
queries (an N+1, a duplicate, a bypassed or unused prefetch, a repeated write).

The queries of the first run are compared first; when the re-run looks worse
than them, the unpatched test runs alone in the copy and the comparison
is made again against that run: a test alone can run queries that the whole
suite had cached (content types, a site), and those are not the fix's doing.
It runs alone twice: when the two runs differ (random test data), no count
says anything about the fix, which is dropped as not judged.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from ormwatch._fix._edit import Edit
from ormwatch._fix._patch import rewritten_files
from ormwatch._pytest._fixes import edits_of, write_patch
from ormwatch._pytest._project import Project, Rerun

__all__ = ["Row", "table", "verify"]

Key = tuple[str, str, str, str]


@dataclass
class Row:
    """A line of the table: one finding of one test, and what became of its fix."""

    nodeid: str
    finding: str
    before: int
    after: int | None
    verdict: str  # "kept", or why not

    @property
    def kept(self) -> bool:
        return self.verdict == "kept"


def _key(finding: dict[str, Any]) -> Key:
    # Not the line or the code: the fix moves and rewrites them.
    site = finding.get("call_site") or finding.get("origin") or {}
    relation = finding.get("relation") or {}
    return (
        str(finding["kind"]),
        f"{relation.get('model')}.{relation.get('field')}" if relation else "",
        str(site.get("path", "")),
        str(site.get("function", "")),
    )


def _label(finding: dict[str, Any]) -> str:
    site = finding.get("call_site") or finding.get("origin")
    return f"{finding['kind']} at {site['path']}:{site['line']}" if site else finding["kind"]


UNSTEADY = "not judged: the test runs other queries each time, unpatched"


def _same(one: Rerun, other: Rerun) -> bool:
    """Whether two runs of the unpatched test ran the same queries and findings."""
    return (one.passed, one.query_count, Counter(_key(f) for f in one.findings)) == (
        other.passed,
        other.query_count,
        Counter(_key(f) for f in other.findings),
    )


def _judge(targets: list[dict[str, Any]], before: Rerun, after: Rerun) -> str | None:
    """Why the fix of ``targets`` fails, or None when it holds."""
    if after.timed_out:
        return "the re-run timed out"
    if not after.passed:
        return "the test fails with the fix"
    was = Counter(_key(f) for f in before.findings)
    now = Counter(_key(f) for f in after.findings)
    fixed = Counter(_key(f) for f in targets)
    # At least none left: the run alone may show fewer of them than the suite's run did.
    if any(now[key] > max(0, was[key] - n) for key, n in fixed.items()):
        return "the finding is still there"
    new = sorted(
        {f["kind"] for f in after.findings if f["severity"] != "info" and not was[_key(f)]}
    )
    if new:
        return f"new finding: {', '.join(new)}"
    if after.query_count > before.query_count:
        return "more queries"
    saves = any(int(f.get("saved_queries") or 0) > 0 for f in targets)
    if saves and after.query_count >= before.query_count:
        return "no fewer queries"
    return None


class _Test:
    """One test's verification: its first run, its lone re-run when needed."""

    def __init__(self, project: Project, nodeid: str, first: Rerun) -> None:
        self.project = project
        self.nodeid = nodeid
        self.first = first
        self.alone: Rerun | None = None
        self.steady = True

    def attempt(self, targets: list[dict[str, Any]]) -> tuple[str | None, int, Rerun]:
        """The verdict on ``targets``' fixes, the query count compared with, and the re-run."""
        edits = [e for f in targets for e in edits_of(f)]
        files = {path: after for path, (_, after) in rewritten_files(edits).items()}
        after = self.project.run(self.nodeid, files)
        before = self.first
        verdict = _judge(targets, before, after)
        if not self.steady:  # known from an earlier fix of this test
            return UNSTEADY, before.query_count, after
        if verdict in ("more queries", "no fewer queries") or (verdict or "").startswith("new"):
            if self.alone is None:
                # Twice, unpatched: a test whose data is random runs other queries
                # each time, and its counts say nothing about a fix.
                self.alone = self.project.run(self.nodeid, {})
                self.steady = _same(self.alone, self.project.run(self.nodeid, {}))
            if not self.steady:
                return UNSTEADY, self.alone.query_count, after
            if self.alone.passed:
                before = self.alone
                verdict = _judge(targets, before, after)
        return verdict, before.query_count, after


def _verify_test(
    project: Project, nodeid: str, first: Rerun, fixable: list[dict[str, Any]]
) -> tuple[list[Row], list[Edit]]:
    def row(finding: dict[str, Any], before: int, after: int | None, verdict: str) -> Row:
        return Row(nodeid, _label(finding), before, after, verdict)

    count = first.query_count
    if not first.passed:
        return [row(f, count, None, "the test did not pass before the fix") for f in fixable], []
    # A file outside the rootdir, or in a folder the copy leaves out (a virtualenv).
    outside = [f for f in fixable if not all(project.holds(e.path) for e in edits_of(f))]
    rows = [row(f, count, None, "the fix edits a file outside the project") for f in outside]
    fixable = [f for f in fixable if all(f is not o for o in outside)]
    if not fixable:
        return rows, []
    test = _Test(project, nodeid, first)
    verdict, before, after = test.attempt(fixable)
    if verdict is None or len(fixable) == 1:
        rows += [row(f, before, after.query_count, verdict or "kept") for f in fixable]
        return rows, [e for f in fixable for e in edits_of(f)] if verdict is None else []
    # Together they fail: try each alone, and keep those that hold together.
    alone = [test.attempt([f]) for f in fixable]
    good = [f for f, (reason, _, _) in zip(fixable, alone, strict=True) if reason is None]
    if len(good) > 1 and test.attempt(good)[0] is not None:
        good = good[:1]
    for f, (reason, before, rerun) in zip(fixable, alone, strict=True):
        kept = any(f is g for g in good)
        verdict = "kept" if kept else reason or "fails with the other fixes"
        rows.append(row(f, before, rerun.query_count, verdict))
    return rows, [e for f in good for e in edits_of(f)]


def verify(
    config: pytest.Config,
    results: dict[str, list[dict[str, Any]]],
    counts: dict[str, int],
    passed: dict[str, bool],
    path: Path,
) -> tuple[list[Row], str]:
    """Verify every test's fixes; write the kept ones to ``path``: the table rows and the patch."""
    tests = {n: [f for f in fs if f.get("edits")] for n, fs in results.items()}
    tests = {n: fs for n, fs in tests.items() if fs}
    rows: list[Row] = []
    kept: list[Edit] = []
    if tests:
        with Project(config) as project:
            for nodeid, fixable in tests.items():
                first = Rerun(passed.get(nodeid, False), counts.get(nodeid, 0), results[nodeid])
                test_rows, test_edits = _verify_test(project, nodeid, first, fixable)
                rows += test_rows
                kept += test_edits
    return rows, write_patch(path, kept, config.rootpath)


def table(rows: list[Row]) -> list[str]:
    """The rows as aligned text lines, a header first."""
    cells = [("test", "finding", "queries", "fix")]
    for r in rows:
        queries = f"{r.before} -> {r.after}" if r.after is not None else f"{r.before}"
        cells.append((r.nodeid, r.finding, queries, r.verdict))
    widths = [max(len(c[i]) for c in cells) for i in range(3)]
    return ["  ".join([*(c[i].ljust(widths[i]) for i in range(3)), c[3]]).rstrip() for c in cells]
