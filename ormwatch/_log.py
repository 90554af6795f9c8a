"""Findings to the ``ormwatch`` logger: one record each and an INFO summary per request.

A finding is logged at WARNING, an ``info`` finding at INFO.

ormwatch never adds handlers; the structured data rides in ``extra`` for
JSON formatters (``record.ormwatch``).
"""

from __future__ import annotations

import logging
import warnings

from ormwatch._errors import OrmWatchWarning
from ormwatch._format import log_message, printable
from ormwatch._report import Report

logger = logging.getLogger("ormwatch")


def log_report(report: Report, label: str, emit_warnings: bool = False) -> None:
    """Log ``report``'s findings and a summary line for ``label`` (e.g. ``GET /posts/``)."""
    findings = report.findings
    for finding in findings:
        logger.log(
            logging.INFO if finding.informational else logging.WARNING,
            log_message(finding),
            extra={"ormwatch": {"request": label, **finding.to_dict()}},
        )
        if emit_warnings and not finding.informational:
            warnings.warn(log_message(finding), OrmWatchWarning, stacklevel=2)
    if logger.isEnabledFor(logging.INFO):
        counts: dict[str, int] = {}
        for finding in findings:
            counts[finding.kind] = counts.get(finding.kind, 0) + 1
        summary = ", ".join(f"{n} {kind}" for kind, n in counts.items()) or "no findings"
        logger.info(
            "%s: %d %s, %.1f ms SQL, %s",
            printable(label),
            report.query_count,
            "query" if report.query_count == 1 else "queries",
            report.sql_ms,
            summary,
            extra={
                "ormwatch": {
                    "request": label,
                    "query_count": report.query_count,
                    "sql_ms": round(report.sql_ms, 3),
                    "findings": counts,
                }
            },
        )
