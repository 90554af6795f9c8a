"""Every fix the test suite's findings produce, checked for placeholders.

A fix is code a user copies: ``...``, ``(...)``, ``<the SQL>`` or an invented
name (``rows = list(queryset)``) do not run. ``install()`` wraps the one
function every ``Report`` analyses with, so each finding of every test is seen
as the suite makes it; tests/conftest.py fails a test whose findings carry
such a fix (tests/test_fix_audit.py checks that it does).
"""

from __future__ import annotations

import io
import keyword
import textwrap
import tokenize
from collections.abc import Sequence
from typing import Any

import ormwatch._analyse

# (kind, where it came from, text) of every fix and edit analysed, cleared per test.
COLLECTED: list[tuple[str, str, str]] = []

# Names no user code defines for us: a fix that reads one invented it.
_INVENTED = frozenset({"queryset", "objs", "qs", "Model", "field", "fields", "value"})


def install() -> None:
    original = ormwatch._analyse.analyse
    if getattr(original, "audited", False):
        return

    def analyse(*args: Any, **kwargs: Any) -> list[Any]:
        findings: list[Any] = original(*args, **kwargs)
        for finding in findings:
            if finding.fix:
                COLLECTED.append((finding.kind, "fix", finding.fix))
            for edit in finding.edits:
                COLLECTED.append((finding.kind, f"edit of {edit.path}", edit.text))
        return findings

    analyse.audited = True  # type: ignore[attr-defined]
    ormwatch._analyse.analyse = analyse


def placeholders(text: str) -> list[str]:
    """What in ``text`` is a placeholder, not code (strings and comments are not code)."""
    found: list[str] = []
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(textwrap.dedent(text)).readline))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return ["not complete Python"]
    code = [t for t in tokens if t.type in (tokenize.OP, tokenize.NAME, tokenize.NUMBER)]
    for index, token in enumerate(code):
        if token.string == "...":
            found.append("...")
        if token.type == tokenize.NAME and token.string in _INVENTED:
            before = code[index - 1].string if index else ""
            after = code[index + 1].string if index + 1 < len(code) else ""
            if before != "." and after != "=" and not keyword.iskeyword(before):
                found.append(f"the invented name {token.string}")
        if token.string == "<" and _angle_placeholder(code, index):
            found.append("<...> text")
    return found


def _angle_placeholder(code: list[tokenize.TokenInfo], index: int) -> bool:
    """``<the SQL>``: words between ``<`` and ``>`` that are no comparison (two names
    side by side never are; one name is when ``<`` follows an operand: ``a < b > c``)."""
    before = code[index - 1] if index else None
    operand = before is not None and (
        before.type in (tokenize.NAME, tokenize.NUMBER) or before.string in ")]}"
    )
    for words, token in enumerate(code[index + 1 :]):
        if token.string == ">":
            return words >= 2 or (words == 1 and not operand)
        if token.type != tokenize.NAME:
            return False
    return False


def offenders(since: int = 0, collected: Sequence[tuple[str, str, str]] = COLLECTED) -> list[str]:
    """One line per fix (or edit) with a placeholder, from ``collected[since:]``."""
    lines = []
    for kind, where, text in collected[since:]:
        found = placeholders(text)
        if found:
            lines.append(f"{kind} {where}: {', '.join(found)} in:\n{text}")
    return lines
