"""No user-facing file refers to the internal study notes ("seed 001" and the like)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PLACES = ("ormwatch", "docs", "example_project", "README.md")
SKIPPED_SUFFIXES = {".pyc", ".png", ".sqlite3", ".svg"}


def _files() -> list[Path]:
    found: list[Path] = []
    for place in PLACES:
        path = ROOT / place
        candidates = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
        found.extend(
            p
            for p in candidates
            if p.suffix not in SKIPPED_SUFFIXES and "__pycache__" not in p.parts
        )
    return found


def test_no_file_mentions_seed() -> None:
    hits = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in _files()
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), start=1)
        if re.search("seed", line, flags=re.IGNORECASE)
    ]
    assert hits == []


def test_the_search_covers_the_places_it_names() -> None:
    names = {p.relative_to(ROOT).parts[0] for p in _files()}
    assert names == set(PLACES)
