"""Edits: whole statements of the user's source, replaced exactly.

A fix printed as text is only as good as the reader's copy and paste: a
statement over several lines, a fragment that fits no line, two findings on
one statement that each keep the other's mistake. An ``Edit`` says exactly
which lines change and what they become, like ruff's ``--fix``: it always
covers whole statements (found with ``ast`` positions, never by guessing from
a line's text), so applying it never cuts a statement in half.
"""

from __future__ import annotations

import ast
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ormwatch._fix import _source

Position = tuple[int, int]  # (line, UTF-8 byte column), as ast gives them
Span = tuple[Position, Position, str]  # replace from .. to with the text

__all__ = [
    "Edit",
    "Rewritten",
    "dedented",
    "rewrite_spans",
    "rewrite_statement",
    "rewritten",
    "shown",
    "shown_all",
    "statement_lines",
]


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace lines ``start_line..end_line`` (1-based, inclusive) of ``path`` with ``text``.

    ``text`` is the new lines, indentation included, without a final newline;
    an empty ``text`` deletes the lines (a statement a fix makes unnecessary).
    """

    path: str
    start_line: int
    end_line: int
    text: str
    # What the edit changed, as (start, end, new text) over the text it replaces,
    # when it was written from ast positions: edits of one statement merge exactly.
    changes: tuple[tuple[int, int, str], ...] = field(default=(), compare=False, repr=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "start_line": self.start_line,
            "end_line": self.end_line,
            "text": self.text,
            "changes": [list(change) for change in self.changes],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Edit:
        """The edit ``to_dict()`` wrote (``abs_path`` first: reports make ``path`` relative)."""
        return cls(
            str(data.get("abs_path") or data["path"]),
            int(data["start_line"]),
            int(data["end_line"]),
            str(data["text"]),
            tuple((int(a), int(b), str(c)) for a, b, c in data.get("changes", ())),
        )


@dataclass(frozen=True)
class Rewritten:
    """A fix written into the user's statement: the code to show and the exact edit."""

    code: str
    edit: Edit | None


def rewritten(
    code: _source.Code, line: int, replacements: Sequence[tuple[ast.AST, str]]
) -> Rewritten | None:
    """The statement at ``code`` with each node replaced: shown whole, with its edit.

    When the statement's lines are not its own (``a = 1; b = 2``), the line
    alone is shown and no edit is made.
    """
    edit = rewrite_statement(code, replacements)
    if edit is not None:
        return Rewritten(shown(edit), edit)
    nodes = [(n, new) for n, new in replacements if isinstance(n, ast.expr)]
    text = _source.rewrite(code, line, nodes) if len(nodes) == len(replacements) else None
    return Rewritten(text, None) if text is not None else None


def statement_lines(code: _source.Code) -> tuple[int, int] | None:
    """The lines of ``code.statement`` an edit may replace, or None if they are not its own.

    A compound statement (``for``, ``if``, ``with``, ``while``) gives its header
    only, and only when its body starts on a later line; a statement that
    shares a line with another (``a = 1; b = 2``) gives None.
    """
    node = code.statement
    start = node.lineno
    if isinstance(node, (ast.For, ast.AsyncFor, ast.While, ast.If, ast.With, ast.AsyncWith)):
        end = node.body[0].lineno - 1
        if end < start:
            return None
    else:
        end = node.end_lineno or start
    if _shares_a_line(code, start, end):
        return None
    return start, end


def _shares_a_line(code: _source.Code, start: int, end: int) -> bool:
    around = code.parents.get(code.statement)
    siblings = [
        n
        for n in ast.iter_child_nodes(around if around is not None else code.function)
        if isinstance(n, ast.stmt) and n is not code.statement
    ]
    return any(n.lineno <= end and (n.end_lineno or n.lineno) >= start for n in siblings)


def rewrite_statement(
    code: _source.Code, replacements: Sequence[tuple[ast.AST, str]]
) -> Edit | None:
    """The edit that rewrites ``code.statement`` with each node replaced by its new text.

    Every node must lie inside the statement's own lines; the rest of the
    statement (other arguments, line breaks, comments) is kept as written.
    """
    spans: list[Span] = []
    for node, new in replacements:
        lineno = getattr(node, "lineno", None)
        end_lineno = getattr(node, "end_lineno", None)
        col = getattr(node, "col_offset", None)
        end_col = getattr(node, "end_col_offset", None)
        if lineno is None or end_lineno is None or col is None or end_col is None:
            return None
        spans.append(((lineno, col), (end_lineno, end_col), new))
    return rewrite_spans(code, spans)


def rewrite_spans(code: _source.Code, spans: Sequence[Span]) -> Edit | None:
    """The edit that rewrites ``code.statement`` with each span replaced by its text."""
    span = statement_lines(code)
    if span is None or not spans:
        return None
    start, end = span
    lines = code.source.splitlines(keepends=True)[start - 1 : end]
    if len(lines) != end - start + 1:
        return None
    # ast columns are UTF-8 byte offsets: work on bytes.
    encoded = [line.encode() for line in lines]
    offsets = [0]
    for line in encoded:
        offsets.append(offsets[-1] + len(line))
    data = b"".join(encoded)
    cuts: list[tuple[int, int, bytes]] = []
    for (lineno, col), (end_lineno, end_col), new in spans:
        if lineno < start or end_lineno > end:
            return None
        cuts.append(
            (offsets[lineno - start] + col, offsets[end_lineno - start] + end_col, new.encode())
        )
    cuts.sort()
    if any(a[1] > b[0] for a, b in itertools.pairwise(cuts)):
        return None  # overlapping replacements: ambiguous
    changes = tuple(
        (len(data[:b].decode(errors="replace")), len(data[:f].decode(errors="replace")), r.decode())
        for b, f, r in cuts
    )
    for begin, finish, replacement in reversed(cuts):
        data = data[:begin] + replacement + data[finish:]
    text = data.decode(errors="replace").rstrip("\n")
    return Edit(code.path, start, end, text, changes)


def dedented(text: str) -> str:
    """``text`` with the indentation its non-blank lines share removed."""
    lines = text.split("\n")
    indent = min((len(x) - len(x.lstrip()) for x in lines if x.strip()), default=0)
    return "\n".join(x[indent:] for x in lines)


def shown(edit: Edit) -> str:
    """The edit's text as a fix is printed: dedented, a one-line statement without its comment."""
    text = dedented(edit.text)
    # The user's trailing comment (a noqa, a note) was about the old code.
    return _source.without_comment(text).strip() if "\n" not in edit.text else text


def shown_all(edits: Sequence[Edit]) -> str:
    """Several edits' texts as one fix, in file order: each statement keeps its indentation
    relative to the others (a loop body stays inside its loop), and a deletion shows nothing."""
    texts = []
    for edit in sorted(edits, key=lambda e: e.start_line):
        if "\n" in edit.text or not edit.text.strip():
            texts.append(edit.text)
        else:
            indent = edit.text[: len(edit.text) - len(edit.text.lstrip())]
            texts.append(indent + _source.without_comment(edit.text).strip())
    return dedented("\n".join(t for t in texts if t.strip()))


def original(edit: Edit, source_lines: Sequence[str]) -> str:
    """The text the edit replaces, from the file's lines (without line ends)."""
    return "\n".join(source_lines[edit.start_line - 1 : edit.end_line])
