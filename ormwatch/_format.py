"""Findings as text: one line for logs, a block for test failures and errors.

Detector messages follow one convention, ``"<headline>; <advice>"``, so the
one-line form keeps the headline and adds both places and the fix.
"""

from __future__ import annotations

from ormwatch._finding import Finding


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


def one_line(finding: Finding) -> str:
    """``N+1: 24 queries loading blog.Post.category (9.8 ms) at ...; fix at ...: ...``

    One line whatever the paths hold: see ``printable()``.
    """
    text = headline(finding)
    if finding.call_site is not None:
        text += f" at {finding.call_site}"
    if finding.loop_site is not None:
        text += f" (repeated at {finding.loop_site})"
    if finding.fix:
        fix = finding.fix.splitlines()[0].strip()
        text += f"; fix at {finding.origin}: {fix}" if finding.origin else f"; fix: {fix}"
    return printable(text)


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
