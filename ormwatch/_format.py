"""Findings as text: a log message, a block for test failures and errors.

Detector messages follow one convention, ``"<headline>; <advice>"``, so the
log message keeps the headline and adds both places and the fix.
"""

from __future__ import annotations

from ormwatch._finding import Finding
from ormwatch._query import CallSite


def printable(text: str) -> str:
    """``text`` with control characters written as escapes (``\\n``, ``\\x1b``, ``\\u2028``).

    A log line holds request paths and file paths; a newline in one of them
    must not start what a reader takes for a second record.
    """
    if text.isprintable():
        return text
    return "".join(
        c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text
    )


def headline(finding: Finding) -> str:
    return finding.message.split("; ", 1)[0]


def log_message(finding: Finding) -> str:
    """``N+1: 24 queries loading blog.Post.category (9.8 ms) at ...; fix at ...: ...``

    Each place is named once: a headline that already names the call site (a
    duplicate query names every line that ran it) is not followed by it again,
    and a fix at a line already named says ``fix at line N``. A fix of several
    lines follows on lines of its own, indented, so that it never reads as a
    record of its own; every line goes through ``printable()``, so nothing a
    path or a request holds can start a line either.
    """
    text = headline(finding)
    if finding.call_site is not None and not _named(finding.call_site, text):
        text += f" at {finding.call_site}"
    if finding.loop_site is not None:
        text += f" (repeated at {finding.loop_site})"
    fix = finding.fix.splitlines() if finding.fix else []
    if not fix:
        return printable(text)
    origin = finding.origin
    if origin is None:
        text += "; fix"
    elif _named(origin, text):
        text += f"; fix at line {origin.line}"
    else:
        text += f"; fix at {origin}"
    if len(fix) == 1:
        return printable(f"{text}: {fix[0].strip()}")
    return printable(f"{text}:") + "".join(f"\n    {printable(line)}" for line in fix)


def _named(site: CallSite, text: str) -> bool:
    """Does ``text`` already name ``site`` (as a whole path, not the end of a longer one)?"""
    return f" {site}" in f" {text}"


def block(finding: Finding, verbose: bool = False, max_sql: int = 3) -> str:
    """A few lines per finding; with ``verbose`` the SQL of up to ``max_sql`` queries."""
    lines = [f"[{finding.kind}] {finding.message}"]
    if finding.call_site is not None:
        lines.append(f"  at      {finding.call_site}")
        if finding.call_site.code:
            lines.append(f"          {finding.call_site.code}")
    if finding.loop_site is not None:
        lines.append(f"  loop at {finding.loop_site}")
        if finding.loop_site.code:
            lines.append(f"          {finding.loop_site.code}")
    if finding.origin is not None:
        lines.append(f"  fix at  {finding.origin}")
    if finding.fix:
        lines.extend(f"          {line}" for line in finding.fix.splitlines())
    if verbose:
        for query in finding.queries[:max_sql]:
            lines.append(f"  sql     {query.sql[:2000]}")
        if finding.query_count > max_sql:
            lines.append(f"          ... and {finding.query_count - max_sql} more")
    return "\n".join(lines)
