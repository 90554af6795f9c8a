"""Words for finding kinds and severities, and the toolbar's one-line summary."""

from __future__ import annotations

from collections import Counter
from typing import Any

__all__ = ["SEVERITIES", "kind_label", "severity_rank", "subtitle"]

# kind -> (one, many). Kinds not listed read as their name with spaces, so a
# detector added later shows up without touching the panel.
_KINDS: dict[str, tuple[str, str]] = {
    "n_plus_one": ("N+1", "N+1"),
    "prefetch_bypassed": ("prefetch bypassed", "prefetches bypassed"),
    "repeated_write": ("repeated write", "repeated writes"),
    "duplicate_query": ("duplicate", "duplicates"),
    "slow_query": ("slow query", "slow queries"),
    "unexpected_subquery": ("subquery", "subqueries"),
    "unexpected_join": ("unexpected join", "unexpected joins"),
    "prefetch_double_fetch": ("double prefetch", "double prefetches"),
    "eager_load_ignored": ("eager load ignored", "eager loads ignored"),
    "unused_eager_load": ("unused eager load", "unused eager loads"),
    "full_fetch_for_count": ("full fetch to count", "full fetches to count"),
}

# severity -> heading, in display order.
SEVERITIES: dict[str, str] = {"error": "Errors", "warning": "Warnings", "info": "Info"}


def kind_label(kind: str, count: int = 1) -> str:
    """``"N+1"``, ``"subquery"`` / ``"subqueries"``; unknown kinds by name."""
    one, many = _KINDS.get(kind, (kind.replace("_", " "), kind.replace("_", " ")))
    return one if count == 1 else many


def severity_rank(severity: str) -> int:
    """Errors first, then warnings, infos, anything else."""
    order = list(SEVERITIES)
    return order.index(severity) if severity in order else len(order)


def subtitle(stats: dict[str, Any]) -> str:
    """``"3 N+1 · 1 subquery · 212 queries, 48.1 ms"``: counts that matter, worst first."""
    if not stats.get("recording", True):
        return "not recording"
    counts: Counter[str] = Counter()
    first_rank: dict[str, int] = {}
    for finding in stats.get("findings", []):
        kind = finding["kind"]
        counts[kind] += 1
        rank = severity_rank(finding["severity"])
        first_rank[kind] = min(rank, first_rank.get(kind, rank))
    parts = [
        f"{count} {kind_label(kind, count)}"
        for kind, count in sorted(counts.items(), key=lambda kc: (first_rank[kc[0]], -kc[1]))
    ]
    hidden = stats.get("finding_count", 0) - len(stats.get("findings", []))
    if hidden > 0:
        parts.append(f"{hidden} more")
    total = stats.get("query_count", 0)
    noun = "query" if total == 1 else "queries"
    parts.append(f"{total:,} {noun}, {stats.get('sql_ms', 0.0):.1f} ms")
    return " · ".join(parts)
