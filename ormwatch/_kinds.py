"""Finding kinds and severities: their string values are public API.

``Kind`` lists the built-in kinds in the order their detectors run: each
member names the module ``ormwatch/_analyse/<value>.py`` that declares the
rest of the kind (label, severity, claims, detector, docs link), and
``ormwatch._analyse._registry`` collects those declarations from this list.
"""

from __future__ import annotations

import enum

__all__ = ["DOCS", "Kind", "Severity"]

# The findings reference, relative to the project's root (where README.md is).
DOCS = "docs/findings.md"


class Kind(str, enum.Enum):
    """What a finding is about; equal to its string: ``Kind.N_PLUS_ONE == "n_plus_one"``.

    Declared in the order the detectors run: a finding claims its queries, so
    ``duplicate_query`` comes last and does not report them again.
    """

    N_PLUS_ONE = "n_plus_one"
    PREFETCH_BYPASSED = "prefetch_bypassed"
    REPEATED_WRITE = "repeated_write"
    SLOW_QUERY = "slow_query"
    UNEXPECTED_SUBQUERY = "unexpected_subquery"
    PREFETCH_DOUBLE_FETCH = "prefetch_double_fetch"
    UNEXPECTED_JOIN = "unexpected_join"
    EAGER_LOAD_IGNORED = "eager_load_ignored"
    UNUSED_EAGER_LOAD = "unused_eager_load"
    FULL_FETCH_FOR_COUNT = "full_fetch_for_count"
    DUPLICATE_QUERY = "duplicate_query"

    def __str__(self) -> str:
        return self.value

    @property
    def docs_url(self) -> str:
        """Where this kind is explained: its section of docs/findings.md."""
        return f"{DOCS}#{self.value}"

    @classmethod
    def _missing_(cls, value: object) -> Kind | None:
        # A kind registered at run time (``_registry.register``, as the tests
        # do) is a member too, made on first use like a Flag's pseudo-member.
        if not isinstance(value, str) or value not in _extra:
            return None
        member = str.__new__(cls, value)
        member._name_ = value.upper()
        member._value_ = value
        return cls._value2member_map_.setdefault(value, member)  # type: ignore[return-value]


# Names of kinds registered at run time, beyond the members above.
_extra: set[str] = set()


def add(name: str) -> Kind:
    """Make ``name`` a ``Kind`` (for ``_registry.register``); a built-in name is returned as is."""
    _extra.add(name)
    return Kind(name)


class Severity(str, enum.Enum):
    """How loud a finding is, loudest first: infos are shown and logged but never fail."""

    WARNING = "warning"
    INFO = "info"

    def __str__(self) -> str:
        return self.value

    @staticmethod
    def rank(severity: str) -> int:
        """The one severity order: warnings first, then infos, anything else last."""
        try:
            return _ORDER.index(Severity(severity))
        except ValueError:
            return len(_ORDER)


_ORDER = list(Severity)
