"""The one table of Django tests left out of both runs, each with its reason.

A test is excluded only when the difference it shows is not ormwatch's
(docs/reliability.md, "Django's own test suite", explains each). An entry is
a test id (``module.Class.method``) or a prefix of one ending in ``.``.
"""

from __future__ import annotations

from typing import NamedTuple


class Exclusion(NamedTuple):
    test: str
    databases: frozenset[str]  # empty: every database
    reason: str


ALL: frozenset[str] = frozenset()

EXCLUSIONS: tuple[Exclusion, ...] = (
    Exclusion(
        "backends.base.test_base.ExecuteWrapperTests.test_wrapper_connection_specific",
        ALL,
        "asserts that connection.execute_wrappers holds only its own wrapper; "
        "ormwatch's recorder is one more wrapper on every connection, by design",
    ),
    Exclusion(
        "serializers.test_deserialization.TestDeserializer.test_crafted_xml_performance",
        ALL,
        "times XML parsing and asserts a ratio of timings: fails at random on a loaded "
        "machine (it failed in a plain run); not in the default labels",
    ),
)


def excluded(test_id: str, vendor: str) -> Exclusion | None:
    for exclusion in EXCLUSIONS:
        if exclusion.databases and vendor not in exclusion.databases:
            continue
        if test_id == exclusion.test or (
            exclusion.test.endswith(".") and test_id.startswith(exclusion.test)
        ):
            return exclusion
    return None
