"""Run Django's own tests twice, plain and under ormwatch, and compare them test by test.

    make test-django-suite
    DJANGO_SUITE_LABELS="queries prefetch_related" make test-django-suite
    ORMWATCH_TEST_DB=postgres make test-django-suite

The tests come from the sdist of the installed Django, cached unpacked under
``.cache/django-suite/``. Both runs use Django's ``tests/runtests.py`` with
``--parallel 1`` and the runner of ``scripts/djsuite`` (outcomes test by
test); the second wraps every test in ``ormwatch.watch()`` and analyses it.
Exits non-zero if any outcome differs or ormwatch logged an internal error.
docs/reliability.md has the figures and the reasons for each exclusion.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from djsuite import compare  # noqa: E402 - needs HERE on sys.path
from djsuite.sdist import django_tests  # noqa: E402

ROOT = HERE.parent
CACHE = ROOT / ".cache" / "django-suite"
DEFAULT_LABELS = (
    "basic queries prefetch_related select_related select_related_onetoone defer defer_regress "
    "many_to_many many_to_one one_to_one generic_relations aggregation annotations expressions "
    "lookup transactions transaction_hooks backends raw_query bulk_create update delete "
    "get_or_create async multiple_database custom_managers model_inheritance fixtures migrations"
)


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(tests: Path, labels: list[str], name: str, watched: bool) -> dict[str, Any]:
    vendor = os.environ.get("ORMWATCH_TEST_DB", "sqlite")
    output = CACHE / f"{vendor}-{name}.json"
    log = CACHE / f"{vendor}-{name}.log"
    output.unlink(missing_ok=True)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(HERE), os.environ.get("PYTHONPATH")])),
        "DJANGO_SUITE_OUTPUT": str(output),
        "DJANGO_SUITE_WATCH": "1" if watched else "0",
    }
    command = [sys.executable, "runtests.py", "--settings=djsuite.settings", "--parallel=1"]
    print(f"{name} run: {' '.join(command[1:])} {' '.join(labels)} (log: {log})", flush=True)
    cpu, wall = cpu_seconds(), time.monotonic()
    with log.open("w", encoding="utf-8") as out:
        code = subprocess.run(
            [*command, "--noinput", *labels], cwd=tests, env=env, stdout=out, stderr=out
        ).returncode
    if not output.is_file():
        sys.exit(f"the {name} run wrote no outcomes (exit {code}); see {log}")
    data: dict[str, Any] = json.loads(output.read_text(encoding="utf-8"))
    data["cpu"], data["wall"] = cpu_seconds() - cpu, time.monotonic() - wall
    return data


def main() -> int:
    labels = os.environ.get("DJANGO_SUITE_LABELS", DEFAULT_LABELS).split()
    tests = django_tests(CACHE)
    plain = run(tests, labels, "plain", watched=False)
    watched = run(tests, labels, "ormwatch", watched=True)
    print()
    print("\n".join(compare.table(plain, watched)))
    for test, reason in sorted(plain["excluded"].items()):
        print(f"excluded: {test}: {reason}")
    differences = compare.differences(plain, watched)
    for difference in differences:
        print(f"\nDIFFERENT: {difference.test}: {difference.plain[0]} -> {difference.watched[0]}")
        for detail in (difference.plain[1], difference.watched[1]):
            if detail:
                print(detail.rstrip())
    recorded = watched["ormwatch"]
    errors = recorded["errors"]
    for error in errors:
        print(f"\nORMWATCH ERROR during {error['where']}:\n{error['log'].rstrip()}")
    if recorded["uncounted"]:
        print(
            f"\n{recorded['uncounted']} watch() blocks ended while the ormwatch logger was "
            "disabled or had lost the counting handler: the error count is incomplete"
        )
    findings = recorded["findings"]
    print(
        f"\normwatch: {recorded['statements']} statements in {recorded['blocks']} watch() blocks, "
        f"{sum(findings.values())} findings "
        f"({', '.join(f'{kind} {n}' for kind, n in sorted(findings.items())) or 'none'})"
    )
    ratio = watched["cpu"] / plain["cpu"] if plain["cpu"] else 0.0
    print(
        f"CPU time: plain {plain['cpu']:.1f} s, ormwatch {watched['cpu']:.1f} s "
        f"(x{ratio:.2f}); wall {plain['wall']:.0f} s and {watched['wall']:.0f} s"
    )
    identical = not differences and plain["tests_run"] == watched["tests_run"]
    complete = not recorded["uncounted"]
    print(
        f"django suite: {plain['tests_run']} tests, outcomes identical: "
        f"{'yes' if identical else 'no'}, ormwatch errors: {len(errors)}"
    )
    return 0 if identical and complete and not errors else 1


if __name__ == "__main__":
    sys.exit(main())
