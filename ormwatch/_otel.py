"""Findings on the request's OpenTelemetry span: one event each, and counts.

The middleware calls ``annotate_current_span()`` after each request it
recorded. ormwatch starts no tracer provider, processor or exporter: the
app's OpenTelemetry setup (usually its Django instrumentation, whose
middleware opens the request span around ours) decides whether spans are
sampled and where they go. Without the ``otel`` extra installed, or when the
current span is not recording (no SDK configured, or the trace sampled out),
this costs a lookup and findings are not even analysed here.

A clean page adds nothing to the span. Attribute names follow the semantic
conventions where they have one (``db.system``, ``code.*``); the rest live
under ``ormwatch.``. docs/production.md lists every name.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ormwatch._finding import Finding
from ormwatch._report import Report

try:
    from opentelemetry import trace

    INSTALLED = True
except ImportError:  # the otel extra is not installed
    INSTALLED = False

if TYPE_CHECKING:
    from opentelemetry.trace import Span

    from ormwatch._query import CallSite

__all__ = ["EVENT_NAME", "annotate", "annotate_current_span"]

EVENT_NAME = "ormwatch.finding"

# Django's connection.vendor -> the semantic conventions' db.system value.
_DB_SYSTEMS = {"postgresql": "postgresql", "sqlite": "sqlite", "oracle": "oracle"}

# alias -> "mariadb" or "mysql": Django calls both "mysql"; asked once per alias.
_mysql_flavours: dict[str, str] = {}

AttributeValue = str | bool | int | float


def annotate_current_span(report: Report) -> None:
    """Add ``report``'s findings to the active span, if there is one that records."""
    if not INSTALLED:
        return
    span = trace.get_current_span()
    if not span.is_recording():
        return
    findings = report.findings
    if findings:
        annotate(span, report.query_count, findings)


def annotate(span: Span, query_count: int, findings: Sequence[Finding]) -> None:
    """One ``ormwatch.finding`` event per finding, then the request's counts as attributes."""
    counts: dict[str, int] = {}
    for finding in findings:
        counts[finding.kind] = counts.get(finding.kind, 0) + 1
        span.add_event(EVENT_NAME, event_attributes(finding))
    span.set_attribute("ormwatch.queries", query_count)
    for kind, count in counts.items():
        span.set_attribute(f"ormwatch.findings.{kind}", count)


def event_attributes(finding: Finding) -> dict[str, AttributeValue]:
    """A finding as flat span-event attributes (OpenTelemetry takes no nesting)."""
    attributes: dict[str, AttributeValue] = {
        "ormwatch.kind": finding.kind,
        "ormwatch.severity": finding.severity,
        "ormwatch.message": finding.message,
        "ormwatch.query_count": finding.query_count,
        "ormwatch.saved_queries": finding.saved_queries,
        "ormwatch.wasted_ms": round(finding.duration_ms, 3),
    }
    if finding.queries:
        first = finding.queries[0]
        attributes["db.system"] = db_system(first.vendor, first.alias)
    if finding.relation is not None:
        attributes["ormwatch.relation"] = str(finding.relation)
    if finding.call_site is not None:
        attributes.update(_code(finding.call_site))
    if finding.fix:
        attributes["ormwatch.fix"] = finding.fix
    if finding.origin is not None:
        origin = finding.origin
        attributes["ormwatch.fix_at"] = f"{origin.path}:{origin.line} {origin.function}"
    return attributes


def _code(site: CallSite) -> dict[str, AttributeValue]:
    return {"code.filepath": site.path, "code.lineno": site.line, "code.function": site.function}


def db_system(vendor: str, alias: str) -> str:
    """The semantic conventions' name for the database behind ``alias``."""
    if vendor != "mysql":
        return _DB_SYSTEMS.get(vendor, "other_sql")
    flavour = _mysql_flavours.get(alias)
    if flavour is None:
        from django.db import connections

        # A cached property Django fills when the connection opens.
        is_mariadb = bool(getattr(connections[alias], "mysql_is_mariadb", False))
        flavour = _mysql_flavours[alias] = "mariadb" if is_mariadb else "mysql"
    return flavour
