"""ormwatch: watch every SQL statement Django runs and explain what is wrong, at the line."""

from __future__ import annotations

from ormwatch._errors import OrmWatchError, OrmWatchWarning
from ormwatch._finding import Finding
from ormwatch._fix._edit import Edit
from ormwatch._ignore import ignore
from ormwatch._kinds import Kind, Severity
from ormwatch._query import (
    CallSite,
    ImplicitSubquery,
    JoinedRelation,
    OrmContext,
    Query,
    Relation,
)
from ormwatch._record import watch
from ormwatch._report import Report
from ormwatch._testing import OrmWatchTestMixin, assert_clean, assert_max_queries

__version__ = "0.1.0.dev0"

__all__ = [
    "CallSite",
    "Edit",
    "Finding",
    "ImplicitSubquery",
    "JoinedRelation",
    "Kind",
    "OrmContext",
    "OrmWatchError",
    "OrmWatchTestMixin",
    "OrmWatchWarning",
    "Query",
    "Relation",
    "Report",
    "Severity",
    "__version__",
    "assert_clean",
    "assert_max_queries",
    "ignore",
    "watch",
]
