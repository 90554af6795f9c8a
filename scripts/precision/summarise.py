"""Count and group the findings of precision runs; write the groups for classification.

    python scripts/precision/summarise.py /tmp/precision/linkding-tests.json \
        --root /work/projects/linkding --csv docs/precision/linkding-tests.csv

Prints, per kind, the findings and the distinct groups (kind, call site,
origin, message with numbers blanked). ``--csv`` writes one row per group
with an example; a row's ``verdict`` (real, acceptable, wrong), ``cause``
and ``reason`` are kept from the CSV already at that path (or ``--classified``),
matched by the group's id, so a re-measurement keeps earlier classifications.
The table printed last counts findings per kind and verdict.
"""

from __future__ import annotations

import argparse
import csv
import re
from collections import Counter
from pathlib import Path

from _findings import Found, Group, group, read

COLUMNS = [
    "id",
    "kind",
    "severity",
    "findings",
    "tests",
    "call_site",
    "origin",
    "message",
    "fix",
    "code",
    "test",
    "request",
    "verdict",
    "cause",
    "reason",
]
VERDICTS = ("real", "acceptable", "wrong", "unclassified")
# ormwatch's texts may cite its internal study notes in parentheses, a word and
# a three-digit number; the CSVs are published, so those references are dropped
# there (the group ids keep them).
_NOTE = re.compile(r" ?\([a-z]+ \d{3}[^)]*\)")


def published(text: str) -> str:
    return _NOTE.sub("", text)


def load_verdicts(path: Path | None) -> dict[str, dict[str, str]]:
    if path is None or not path.exists():
        return {}
    with path.open(encoding="utf-8", newline="") as rows:
        return {row["id"]: row for row in csv.DictReader(rows) if row.get("verdict")}


def row(g: Group, verdicts: dict[str, dict[str, str]]) -> dict[str, str]:
    first = g.found[0]
    known = verdicts.get(g.id, {})
    return {
        "id": g.id,
        "kind": g.kind,
        "severity": g.severity,
        "findings": str(len(g.found)),
        "tests": str(g.tests),
        "call_site": g.key[1],
        "origin": g.key[2],
        "message": published(str(first.data.get("message", ""))),
        "fix": published(str(first.data.get("fix") or "")),
        "code": str((first.data.get("call_site") or {}).get("code") or ""),
        "test": first.test,
        "request": first.request,
        "verdict": known.get("verdict", ""),
        "cause": known.get("cause", ""),
        "reason": known.get("reason", ""),
    }


def table(rows: list[dict[str, str]]) -> str:
    """Markdown: findings per kind and verdict (warnings), infos on their own line."""
    counts: Counter[tuple[str, str]] = Counter()
    infos: Counter[str] = Counter()
    for r in rows:
        n = int(r["findings"])
        if r["severity"] == "info":
            infos[r["verdict"] or "unclassified"] += n
        else:
            counts[(r["kind"], r["verdict"] or "unclassified")] += n
    kinds = sorted({k for k, _ in counts})
    lines = [
        "| kind | " + " | ".join(VERDICTS) + " | total | real or acceptable |",
        "| --- |" + " ---: |" * (len(VERDICTS) + 2),
    ]

    def line(name: str, c: Counter[str]) -> str:
        total = sum(c.values())
        ok = c["real"] + c["acceptable"]
        share = f"{100 * ok / total:.0f}%" if total else "-"
        return f"| {name} | " + " | ".join(str(c[v]) for v in VERDICTS) + f" | {total} | {share} |"

    every: Counter[str] = Counter()
    for kind in kinds:
        c = Counter({v: counts[(kind, v)] for v in VERDICTS})
        every.update(c)
        lines.append(line(kind, c))
    lines.append(line("**all warnings**", every))
    if infos:
        lines.append(line("info findings", infos))
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("reports", type=Path, nargs="+", help="pytest .json or middleware .jsonl")
    parser.add_argument("--root", default="", help="the project's directory (paths shown relative)")
    parser.add_argument("--csv", type=Path, help="write the groups here")
    parser.add_argument("--classified", type=Path, help="earlier CSV to take verdicts from")
    options = parser.parse_args()

    found: list[Found] = [f for path in options.reports for f in read(path)]
    root = options.root.rstrip("/") + "/" if options.root else ""
    groups = group(found, root)
    verdicts = load_verdicts(options.classified or options.csv)
    rows = [row(g, verdicts) for g in groups]

    per_kind: Counter[str] = Counter(f.data["kind"] for f in found)
    group_kind: Counter[str] = Counter(g.kind for g in groups)
    tests = {f.test for f in found}
    print(f"{len(found)} findings in {len(tests)} tests, {len(groups)} distinct groups")
    for kind, n in per_kind.most_common():
        print(f"  {kind:24} {n:6} findings {group_kind[kind]:5} groups")
    if options.csv:
        options.csv.parent.mkdir(parents=True, exist_ok=True)
        with options.csv.open("w", encoding="utf-8", newline="") as out:
            writer = csv.DictWriter(out, COLUMNS)
            writer.writeheader()
            writer.writerows(rows)
        print(f"wrote {len(rows)} groups to {options.csv}")
    print()
    print(table(rows))


if __name__ == "__main__":
    main()
