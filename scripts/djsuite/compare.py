"""Two runs' outcomes, test by test."""

from __future__ import annotations

from collections import Counter
from typing import Any, NamedTuple

from djsuite.outcomes import OUTCOMES


class Difference(NamedTuple):
    test: str
    plain: list[str]  # [outcome, detail]
    watched: list[str]


MISSING = ["not run", ""]


def counts(run: dict[str, Any]) -> Counter[str]:
    return Counter(outcome for outcome, _ in run["outcomes"].values())


def differences(plain: dict[str, Any], watched: dict[str, Any]) -> list[Difference]:
    found = []
    for test in sorted(plain["outcomes"].keys() | watched["outcomes"].keys()):
        before = plain["outcomes"].get(test, MISSING)
        after = watched["outcomes"].get(test, MISSING)
        if before[0] != after[0]:
            found.append(Difference(test, before, after))
    return found


def table(plain: dict[str, Any], watched: dict[str, Any]) -> list[str]:
    lines = [f"{'':20} {'plain':>8} {'ormwatch':>8}"]
    lines.append(f"{'tests run':20} {plain['tests_run']:>8} {watched['tests_run']:>8}")
    before, after = counts(plain), counts(watched)
    for outcome in OUTCOMES:
        lines.append(f"{outcome:20} {before[outcome]:>8} {after[outcome]:>8}")
    return lines
