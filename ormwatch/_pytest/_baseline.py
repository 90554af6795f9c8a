"""Baselines: the findings a codebase has today, so that only new ones fail.

A finding's key is its kind, relation and call site by path, function and
source text, not line number: code that moves because of unrelated edits
keeps its key. Paths are stored relative to the rootdir.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

Key = tuple[str, str, str, str, str]


def key(finding: dict[str, Any], rootdir: Path) -> Key:
    site = finding.get("call_site") or finding.get("origin") or {}
    # Reports carry paths relative to the rootdir and the absolute one beside them.
    path = str(site.get("abs_path") or site.get("path", ""))
    if path:
        with contextlib.suppress(ValueError):  # another drive on Windows: keep it absolute
            path = os.path.relpath(path, rootdir)
    relation = finding.get("relation") or {}
    relation_name = f"{relation['model']}.{relation['field']}" if relation else ""
    return (
        str(finding["kind"]),
        relation_name,
        path.replace(os.sep, "/"),
        str(site.get("function", "")),
        " ".join(str(site.get("code", "")).split()),
    )


def load(path: Path) -> set[Key]:
    if not path.exists():
        return set()
    data = json.loads(path.read_text(encoding="utf-8"))
    return {
        (e["kind"], e["relation"], e["path"], e["function"], e["code"]) for e in data["findings"]
    }


def save(path: Path, keys: Iterable[Key]) -> None:
    entries = [
        {"kind": k, "relation": r, "path": p, "function": f, "code": c}
        for k, r, p, f, c in sorted(set(keys))
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps({"version": 1, "findings": entries}, indent=2, ensure_ascii=False)
    path.write_text(text + "\n", encoding="utf-8")
