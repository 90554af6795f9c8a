"""pytest plugin (``-p _verifyplugin``): what ``--ormwatch-fix=verify`` tried, as JSON lines.

Written to ``$ORMWATCH_VERIFY_LOG``, one line per record: ``attempt`` (the
findings whose edits one re-run applied, its verdict, the query counts, the
re-run's findings and the end of its output) and ``row`` (a line of verify's
table: the final verdict on one finding's fix). It wraps ormwatch's private
``_verify`` functions, which is what reading a refusal needs and the table does
not show. The re-runs load the plugin too (verify passes ``-p`` on), where it
records nothing: they run with ``--ormwatch-fix=off``.
"""

from __future__ import annotations

import json
import os
import time
from typing import Any

import pytest

# The end of a failing re-run's output: the assertion and its traceback.
_OUTPUT_TAIL = 4000


def _write(record: dict[str, Any]) -> None:
    with open(os.environ["ORMWATCH_VERIFY_LOG"], "a", encoding="utf-8") as out:
        out.write(json.dumps(record, default=str, ensure_ascii=False) + "\n")


def _finding(f: dict[str, Any]) -> dict[str, Any]:
    keep = ("kind", "severity", "message", "fix", "edits", "call_site", "origin", "relation")
    return {k: f.get(k) for k in keep} | {"saved_queries": f.get("saved_queries")}


def pytest_configure(config: pytest.Config) -> None:
    if not os.environ.get("ORMWATCH_VERIFY_LOG"):
        return
    from ormwatch._pytest import _verify

    attempt = _verify._Test.attempt
    verify = _verify.verify

    def logged_attempt(
        self: _verify._Test, targets: list[dict[str, Any]]
    ) -> tuple[str | None, int, Any]:
        started = time.monotonic()
        verdict, before, after = attempt(self, targets)
        _write(
            {
                "record": "attempt",
                "nodeid": self.nodeid,
                "targets": [_finding(f) for f in targets],
                "verdict": verdict or "kept",
                "before": before,
                "first": self.first.query_count,
                "alone": None if self.alone is None else self.alone.query_count,
                "after": after.query_count,
                "passed": after.passed,
                "after_findings": [
                    {k: f.get(k) for k in ("kind", "severity", "message", "call_site")}
                    for f in after.findings
                ],
                "seconds": round(time.monotonic() - started, 1),
                "output": after.output[-_OUTPUT_TAIL:],
            }
        )
        return verdict, before, after

    def logged_verify(*args: Any, **kwargs: Any) -> tuple[list[_verify.Row], str]:
        rows, patch = verify(*args, **kwargs)
        for r in rows:
            _write({"record": "row", **vars(r)})
        return rows, patch

    _verify._Test.attempt = logged_attempt  # type: ignore[method-assign]
    _verify.verify = logged_verify
