"""Words for finding kinds and severities, and the toolbar's one-line summary."""

from __future__ import annotations

from collections import Counter
from typing import Any

from ormwatch._analyse import _registry
from ormwatch._kinds import Severity

__all__ = ["SEVERITIES", "kind_label", "severity_rank", "subtitle"]

# severity -> heading, in display order.
SEVERITIES: dict[str, str] = {Severity.WARNING.value: "Warnings", Severity.INFO.value: "Info"}


def kind_label(kind: str, count: int = 1) -> str:
    """``"N+1"``, ``"subquery"`` / ``"subqueries"``, from its ``KindSpec``; unknown by name."""
    spec = _registry.get(kind)
    if spec is None:
        return kind.replace("_", " ")
    return spec.label if count == 1 else spec.plural


severity_rank = Severity.rank


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
