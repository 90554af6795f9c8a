"""Silencing findings: ``ormwatch.ignore()`` in code and ``IGNORE`` rules in settings.

``ignore()`` marks the statements run inside it (findings are computed later,
when the report ends, so the mark has to travel with each statement). The
rules in settings are matched against finished findings.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ormwatch._finding import Finding

_ALL = "*"
ignored_kinds: ContextVar[frozenset[str]] = ContextVar("ormwatch_ignored", default=frozenset())


@contextmanager
def ignore(*kinds: str) -> Iterator[None]:
    """Silence findings of ``kinds`` (all kinds when none are given) for code in this block.

    Recording goes on; only the findings made of statements run here are
    dropped. Works as a decorator too: ``@ormwatch.ignore("n_plus_one")``.
    """
    names = frozenset(str(k) for k in kinds) or frozenset({_ALL})
    token = ignored_kinds.set(ignored_kinds.get() | names)
    try:
        yield
    finally:
        ignored_kinds.reset(token)


def silenced_in_code(finding: Finding) -> bool:
    """True when every statement of the finding ran inside ``ignore()`` for its kind."""
    return bool(finding.queries) and all(
        finding.kind in q.ignored or _ALL in q.ignored for q in finding.queries
    )


def matches(rule: dict[str, Any], finding: Finding) -> bool:
    """An ``IGNORE`` rule matches when every key it gives matches the finding."""
    if "kind" in rule and rule["kind"] != finding.kind:
        return False
    if "relation" in rule and (
        finding.relation is None or not fnmatch.fnmatchcase(str(finding.relation), rule["relation"])
    ):
        return False
    if "path" in rule:
        sites = [s for s in (finding.call_site, finding.origin) if s is not None]
        if not any(fnmatch.fnmatchcase(s.path, rule["path"]) for s in sites):
            return False
    return "fingerprint" not in rule or any(
        fnmatch.fnmatchcase(q.fingerprint, rule["fingerprint"]) for q in finding.queries
    )
