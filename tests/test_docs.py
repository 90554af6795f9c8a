"""The docs name every finding kind the registry has, and only those."""

from __future__ import annotations

import json
import re
from pathlib import Path

from ormwatch import _conf
from ormwatch._analyse import _registry

ROOT = Path(__file__).resolve().parent.parent
FINDINGS = (ROOT / "docs" / "findings.md").read_text()


def test_findings_md_has_a_section_per_kind() -> None:
    sections = re.findall(r"^## ([a-z_]+)$", FINDINGS, flags=re.MULTILINE)
    assert sorted(s for s in sections if "_" in s) == sorted(s.name for s in _registry.all_kinds())


def test_findings_md_table_lists_every_kind_with_its_severity() -> None:
    rows = re.findall(r"^\| \[`([a-z_]+)`\]\(#\1\) \| ([a-z /]+) \|", FINDINGS, flags=re.MULTILINE)
    listed = dict(rows)
    assert sorted(listed) == sorted(s.name for s in _registry.all_kinds())
    for spec in _registry.all_kinds():
        assert listed[spec.name].split(" / ")[0] == spec.severity.value, spec.name


def test_readme_points_to_the_kinds_and_does_not_count_them() -> None:
    readme = (ROOT / "README.md").read_text()
    assert "[docs/findings.md](docs/findings.md)" in readme
    count_words = ("nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen")
    assert not re.search(rf"\b({'|'.join(count_words)})\b `ormwatch.Kind`", readme)


def _shown(default: object) -> str:
    """A default as docs/settings.md writes it: Python, with double-quoted strings."""
    return json.dumps(default) if isinstance(default, list) else repr(default)


def test_settings_md_documents_every_setting_with_its_default() -> None:
    text = (ROOT / "docs" / "settings.md").read_text()
    rows = dict(re.findall(r"^\| `([A-Z_]+)` \| `([^`]*)` \|", text, flags=re.MULTILINE))
    assert sorted(rows) == sorted(_conf.TABLE)
    for key, setting in _conf.TABLE.items():
        assert rows[key] == _shown(setting.default), key
