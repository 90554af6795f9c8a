"""Finding kinds and severities: their string values are public API."""

from __future__ import annotations

import enum


class Kind(str, enum.Enum):
    """What a finding is about; equal to its string: ``Kind.N_PLUS_ONE == "n_plus_one"``."""

    N_PLUS_ONE = "n_plus_one"
    PREFETCH_BYPASSED = "prefetch_bypassed"
    REPEATED_WRITE = "repeated_write"
    DUPLICATE_QUERY = "duplicate_query"
    SLOW_QUERY = "slow_query"
    UNEXPECTED_SUBQUERY = "unexpected_subquery"
    UNEXPECTED_JOIN = "unexpected_join"
    PREFETCH_DOUBLE_FETCH = "prefetch_double_fetch"
    EAGER_LOAD_IGNORED = "eager_load_ignored"
    UNUSED_EAGER_LOAD = "unused_eager_load"
    FULL_FETCH_FOR_COUNT = "full_fetch_for_count"

    def __str__(self) -> str:
        return self.value


class Severity(str, enum.Enum):
    """How loud a finding is: errors fail raise mode first, infos only inform."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    def __str__(self) -> str:
        return self.value


KINDS = frozenset(k.value for k in Kind)
