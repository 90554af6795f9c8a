"""The exception raise mode throws and the warning category findings can travel as."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ormwatch._finding import Finding


class OrmWatchWarning(UserWarning):
    """A finding emitted through Python's warnings (``ORMWATCH["WARNINGS"] = True``).

    Route it with the usual filters, e.g.
    ``warnings.filterwarnings("error", category=ormwatch.OrmWatchWarning)``.
    """


class OrmWatchError(Exception):
    """Raised in raise mode (``ORMWATCH["RAISE"]``) when a request has findings.

    ``findings`` holds them; the message lists each with both lines and the fix.
    """

    def __init__(self, findings: Sequence[Finding]) -> None:
        from ormwatch._format import block

        self.findings = list(findings)
        body = "\n\n".join(block(f) for f in self.findings)
        super().__init__(f"{len(self.findings)} ormwatch finding(s):\n\n{body}")
