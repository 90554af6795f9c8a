"""ormwatch: watch every SQL statement Django runs and explain what is wrong, at the line."""

from __future__ import annotations

from ormwatch._ignore import ignore
from ormwatch._kinds import Kind, Severity
from ormwatch._query import CallSite, Join, OrmContext, Query, Relation
from ormwatch._record import watch
from ormwatch._report import Finding, Report

__version__ = "0.1.0.dev0"

__all__ = [
    "CallSite",
    "Finding",
    "Join",
    "Kind",
    "OrmContext",
    "Query",
    "Relation",
    "Report",
    "Severity",
    "__version__",
    "ignore",
    "watch",
]
