"""Run in a copy of the example project: request every bad page, and print what ormwatch saw.

``python example_fix_runner.py patch`` also writes ``ormwatch.patch`` (every
bad page's edits, as ``report.patch()`` would write them for one request).
Prints one JSON object: per pitfall slug, the kinds reported, whether each
finding carries edits, the query counts of the bad and fixed pages, and the
rows each page's table shows.
tests/test_example_fixes.py drives it (the example project's settings cannot
load next to the suite's).
"""

from __future__ import annotations

import json
import os
import re
import sys
from io import StringIO


def table_rows(html: str) -> list[list[str]]:
    """The cells of the page's data table (its first <tbody>), row by row, sorted."""
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in html else ""
    rows = re.findall(r"<tr>(.*?)</tr>", body, flags=re.DOTALL)
    cells = [re.findall(r"<td>(.*?)</td>", row, flags=re.DOTALL) for row in rows]
    return sorted([" ".join(cell.split()) for cell in row] for row in cells)


def main(mode: str) -> None:
    sys.path.insert(0, os.getcwd())
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["EXAMPLE_DB"] = ":memory:"
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    import ormwatch
    from ormwatch._fix._patch import unified_diff

    setup_test_environment()
    call_command("migrate", verbosity=0)
    call_command("demo_data", stdout=StringIO())
    from pitfalls.registry import PITFALLS  # type: ignore[import-not-found]

    client = Client()
    pages: dict[str, dict[str, object]] = {}
    edits: list[ormwatch.Edit] = []
    for pitfall in PITFALLS:
        with ormwatch.watch() as bad:
            response = client.get(f"/{pitfall.slug}/bad/")
        with ormwatch.watch() as fixed:
            twin = client.get(f"/{pitfall.slug}/fixed/")
        findings = [f for f in bad.findings if not f.informational]
        edits += [e for f in findings for e in f.edits]
        pages[pitfall.slug] = {
            "status": response.status_code,
            "kinds": sorted(f.kind for f in findings),
            "with_edits": sorted(f.kind for f in findings if f.edits),
            "queries": bad.query_count,
            "fixed_queries": fixed.query_count,
            "rows": table_rows(response.content.decode()),
            "fixed_rows": table_rows(twin.content.decode()),
        }
    if mode == "patch":
        with open("ormwatch.patch", "w") as file:
            file.write(unified_diff(edits, os.getcwd()))
    print(json.dumps(pages))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "check")
