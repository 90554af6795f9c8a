"""``--ormwatch-fix``: the run's fixes as one patch, or only the ones a re-run proves.

``diff`` writes every finding's edits; ``verify`` hands each test with edits to
``_verify`` and writes only the edits that passed. Either way a statement that
several tests reach is fixed once: equal edits collapse, and edits of one
statement are merged by ``unified_diff``. Only files below the rootdir are
patched, so that ``git apply`` in the rootdir takes the file.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ormwatch._fix._edit import Edit

__all__ = ["edits_of", "inside", "write_patch"]


def edits_of(finding: dict[str, Any]) -> list[Edit]:
    """The finding's edits rebuilt from its plain dict (absolute paths)."""
    return [Edit.from_dict(e) for e in finding.get("edits") or ()]


def inside(edit: Edit, rootdir: Path) -> bool:
    try:
        relative = os.path.relpath(edit.path, rootdir)
    except ValueError:  # another drive on Windows
        return False
    return not relative.startswith("..")


def write_patch(path: Path, edits: Iterable[Edit], rootdir: Path) -> str:
    """Write the patch of ``edits`` (each once) to ``path``; an empty run removes an old one."""
    from ormwatch._fix._patch import unified_diff

    unique = list(dict.fromkeys(e for e in edits if inside(e, rootdir)))
    text = unified_diff(unique, str(rootdir))
    if text:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    elif path.exists():
        # A patch left from an earlier run would read as this run's fixes.
        path.unlink()
    return text


def diff_summary(results: dict[str, list[dict[str, Any]]], path: Path, rootdir: Path) -> list[str]:
    """``--ormwatch-fix=diff``: write the patch of every fix; the lines to print about it."""
    edits = [e for findings in results.values() for f in findings for e in edits_of(f)]
    outside = {e.path for e in edits if not inside(e, rootdir)}
    text = write_patch(path, edits, rootdir)
    fixed = sum(1 for findings in results.values() for f in findings if f.get("edits"))
    lines = (
        [f"{fixed} fix(es) written to {path}; apply with: git apply {path}"]
        if text
        else ["no finding of this run has a code fix; no patch written"]
    )
    if outside:
        lines.append(f"left out: edits of {len(outside)} file(s) outside the rootdir")
    return lines
