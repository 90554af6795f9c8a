"""``KindSpec``: everything about one finding kind, declared by its detector module."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ormwatch._analyse._analysis import Analysis
from ormwatch._finding import Finding
from ormwatch._kinds import Kind, Severity

__all__ = ["Detect", "KindSpec"]

Detect = Callable[[Analysis], Iterable[Finding]]


@dataclass(frozen=True)
class KindSpec:
    """One finding kind: ``KIND = KindSpec(...)`` at the foot of ``_analyse/<kind>.py``.

    ``label`` and ``plural`` are the panel's words for one and several
    findings; ``severity`` is the kind's usual severity (a detector may make
    one finding quieter, as ``unexpected_join`` does); ``claims``: its
    findings explain why their queries ran, so ``duplicate_query`` does not
    count them again (False for kinds about one statement's shape or cost).
    """

    kind: Kind
    label: str
    plural: str
    detect: Detect
    severity: Severity = Severity.WARNING
    claims: bool = True

    @property
    def name(self) -> str:
        return self.kind.value

    @property
    def docs_url(self) -> str:
        """This kind's section of docs/findings.md."""
        return self.kind.docs_url
