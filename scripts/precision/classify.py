"""Apply the written verdicts to a measurement: every finding gets real, acceptable or wrong.

    python scripts/precision/classify.py linkding /tmp/precision/linkding-tests.json \
        --root /work/projects/linkding --csv docs/precision/linkding-after.csv

The verdicts are in ``_verdicts_<project>.py``: a list of rules, each read from a
finding's group (its id, or a pattern on kind, call site, origin and message) and,
where one group mixes tests that differ, on the test's node id. The first rule that
matches decides; a finding no rule matches is ``unclassified``. Rules only say
what a reader decided after reading the group's code; nothing is inferred here.
Writes one CSV row per (group, verdict) and prints the kind x verdict table.
"""

from __future__ import annotations

import argparse
import csv
import importlib
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

from _findings import Found, Group, group, read
from summarise import COLUMNS, published, table


def matches(rule: dict[str, Any], g: Group, f: Found) -> bool:
    if "id" in rule and g.id not in rule["id"].split():
        return False
    for field, value in (
        ("kind", g.kind),
        ("call_site", g.key[1]),
        ("origin", g.key[2]),
        ("message", g.key[3]),
        ("test", f.test),
    ):
        if field in rule and not re.search(rule[field], value):
            return False
    return True


def verdict(rules: list[dict[str, Any]], g: Group, f: Found) -> tuple[str, str, str]:
    for rule in rules:
        if matches(rule, g, f):
            return rule["verdict"], rule.get("cause", ""), rule["reason"]
    return "unclassified", "", ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("project")
    parser.add_argument("reports", type=Path, nargs="+")
    parser.add_argument("--root", default="")
    parser.add_argument("--csv", type=Path)
    options = parser.parse_args()
    rules = importlib.import_module(f"_verdicts_{options.project}").RULES
    found = [f for path in options.reports for f in read(path)]
    root = options.root.rstrip("/") + "/" if options.root else ""
    rows: list[dict[str, str]] = []
    for g in group(found, root):
        split: dict[tuple[str, str, str], list[Found]] = defaultdict(list)
        for f in g.found:
            split[verdict(rules, g, f)].append(f)
        for (v, cause, reason), fs in split.items():
            first = fs[0]
            rows.append(
                {
                    "id": g.id,
                    "kind": g.kind,
                    "severity": g.severity,
                    "findings": str(len(fs)),
                    "tests": str(len({f.test for f in fs})),
                    "call_site": g.key[1],
                    "origin": g.key[2],
                    "message": published(str(first.data.get("message", ""))),
                    "fix": published(str(first.data.get("fix") or "")),
                    "code": str((first.data.get("call_site") or {}).get("code") or ""),
                    "test": first.test,
                    "request": first.request,
                    "verdict": v,
                    "cause": cause,
                    "reason": reason,
                }
            )
    if options.csv:
        options.csv.parent.mkdir(parents=True, exist_ok=True)
        with options.csv.open("w", encoding="utf-8", newline="") as out:
            writer = csv.DictWriter(out, COLUMNS)
            writer.writeheader()
            writer.writerows(rows)
    print(table(rows))
    for r in rows:
        if r["verdict"] == "unclassified":
            print("UNCLASSIFIED", r["id"], r["kind"], r["findings"], r["call_site"], r["test"])


if __name__ == "__main__":
    main()
