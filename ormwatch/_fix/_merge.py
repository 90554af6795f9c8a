"""Several edits of one file made one: merged per statement, then applied.

Two findings may rewrite the same statement (an unused ``select_related()``
and an unused ``prefetch_related()`` on one chain): each fix alone would keep
the other's mistake, so their changes are merged, by their exact character
changes where both have them and by a token three-way merge of their texts
otherwise. A deletion (an edit without text) wins over other edits of its
lines: the statement is no longer needed.
"""

from __future__ import annotations

import difflib
import linecache
import re
from collections.abc import Sequence
from typing import Any

from ormwatch._fix._edit import Edit, original, shown

_TOKEN = re.compile(r"\w+|\s+|[^\w\s]")

__all__ = ["apply", "merge", "share_statements"]


def merge(edits: Sequence[Edit], source_lines: Sequence[str]) -> list[Edit]:
    """One edit per statement: edits of the same lines merged, overlapping others dropped.

    Two edits of the same statement (an unused ``select_related()`` and an
    unused ``prefetch_related()``) each change their own part of it: both
    changes are applied, by a three-way merge of each edit's text against the
    original. When they change the same characters differently, or two edits
    overlap without covering the same lines, the first one wins; an edit that
    deletes the statement wins over every other edit of it.
    """
    kept: list[Edit] = []
    for edit in edits:
        same = next(
            (k for k in kept if (k.start_line, k.end_line) == (edit.start_line, edit.end_line)),
            None,
        )
        if same is not None and not (same.text and edit.text):
            if not edit.text:  # a statement one fix deletes needs no other fix
                kept[kept.index(same)] = edit
            continue
        if same is not None:
            base = original(same, source_lines)
            combined = (
                _combined(base, same.changes + edit.changes)
                if same.changes and edit.changes
                else _three_way(base, same.text, edit.text)
            )
            if combined is not None:
                kept[kept.index(same)] = Edit(
                    same.path,
                    same.start_line,
                    same.end_line,
                    combined,
                    tuple(sorted(set(same.changes + edit.changes)))
                    if same.changes and edit.changes
                    else (),
                )
            continue
        if any(k.start_line <= edit.end_line and edit.start_line <= k.end_line for k in kept):
            continue
        kept.append(edit)
    return sorted(kept, key=lambda e: e.start_line)


def _combined(base: str, changes: Sequence[tuple[int, int, str]]) -> str | None:
    merged: list[tuple[int, int, str]] = []
    for change in sorted(set(changes)):
        if merged and (change[0] < merged[-1][1] or change[:2] == merged[-1][:2]):
            return None  # two edits change the same characters
        merged.append(change)
    for begin, finish, new in reversed(merged):
        base = base[:begin] + new + base[finish:]
    return base


def _three_way(base: str, ours: str, theirs: str) -> str | None:
    if ours == theirs or theirs == base:
        return ours
    if ours == base:
        return theirs
    # Diffed by tokens, not characters: a character diff aligns the quotes and
    # parentheses of two different calls and sees a conflict where there is none.
    base_tokens = _TOKEN.findall(base)
    starts = [0]
    for token in base_tokens:
        starts.append(starts[-1] + len(token))
    changes: list[tuple[int, int, str]] = []
    for text in (ours, theirs):
        tokens = _TOKEN.findall(text)
        matcher = difflib.SequenceMatcher(None, base_tokens, tokens, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag != "equal":
                changes.append((starts[i1], starts[i2], "".join(tokens[j1:j2])))
    changes.sort()
    merged: list[tuple[int, int, str]] = []
    for change in changes:
        if merged and change[0] < merged[-1][1]:
            if change != merged[-1]:
                return None  # both changed the same characters differently
            continue
        if merged and change[:2] == merged[-1][:2] == (change[0], change[0]):
            if change != merged[-1]:
                return None  # two insertions at one place: order unknown
            continue
        merged.append(change)
    result = base
    for begin, finish, new in reversed(merged):
        result = result[:begin] + new + result[finish:]
    return result


def share_statements(findings: Sequence[Any]) -> None:
    """Findings whose edits rewrite the same statement each get the merged edit and fix.

    An unused ``select_related()`` and an unused ``prefetch_related()`` on one
    chain are two findings; each fix alone would keep the other mistake, so
    both show the statement with both removed.
    """
    by_lines: dict[tuple[str, int, int], list[Any]] = {}
    for finding in findings:
        if len(finding.edits) == 1:
            edit = finding.edits[0]
            by_lines.setdefault((edit.path, edit.start_line, edit.end_line), []).append(finding)
    for (path, start, end), sharing in by_lines.items():
        edits = [f.edits[0] for f in sharing]
        if len(sharing) < 2 or not all(e.changes for e in edits):
            continue
        lines = [line.rstrip("\n") for line in linecache.getlines(path)]
        changes = tuple(sorted({c for e in edits for c in e.changes}))
        text = _combined(original(edits[0], lines), changes)
        if text is None:
            continue  # the edits change the same characters: each keeps its own
        merged = Edit(path, start, end, text, changes)
        for finding in sharing:
            finding.edits = (merged,)
            finding.fix = shown(merged)


def apply(source_lines: Sequence[str], edits: Sequence[Edit]) -> list[str]:
    """The file's lines (without line ends) after ``edits`` (already merged, non-overlapping)."""
    lines = list(source_lines)
    for edit in sorted(edits, key=lambda e: e.start_line, reverse=True):
        lines[edit.start_line - 1 : edit.end_line] = edit.text.split("\n") if edit.text else []
    return lines
