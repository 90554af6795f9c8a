"""ormwatch: watch every SQL statement Django runs and explain what is wrong, at the line.

The public names are imported on first use (PEP 562), so importing a
submodule (``ormwatch.pytest_plugin``, loaded by pytest in every run) does not
load the recorder, the detectors or Django.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

# public name -> the module that defines it
_HOMES = {
    "CallSite": "ormwatch._query",
    "Edit": "ormwatch._fix._edit",
    "Finding": "ormwatch._finding",
    "ImplicitSubquery": "ormwatch._query",
    "JoinedRelation": "ormwatch._query",
    "Kind": "ormwatch._kinds",
    "OrmContext": "ormwatch._query",
    "OrmWatchError": "ormwatch._errors",
    "OrmWatchTestMixin": "ormwatch._testing",
    "OrmWatchWarning": "ormwatch._errors",
    "Query": "ormwatch._query",
    "Relation": "ormwatch._query",
    "Report": "ormwatch._report",
    "Severity": "ormwatch._kinds",
    "assert_clean": "ormwatch._testing",
    "assert_max_queries": "ormwatch._testing",
    "ignore": "ormwatch._ignore",
    "watch": "ormwatch._record",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'ormwatch' has no attribute {name!r}")
    value = getattr(import_module(home), name)
    globals()[name] = value  # the next lookup is a plain module attribute
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
