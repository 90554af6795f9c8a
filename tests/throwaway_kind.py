"""A finding kind made the way docs/architecture.md says, for tests only.

``tests/test_new_kind.py`` registers it and checks that it reaches every
output without any other change: reports, the toolbar panel, pytest.
"""

from __future__ import annotations

from collections.abc import Iterator

from ormwatch import _kinds
from ormwatch._analyse._analysis import Analysis
from ormwatch._analyse._spec import KindSpec
from ormwatch._finding import Finding

# A built-in kind is a member of ormwatch._kinds.Kind; a test cannot add one
# to the class, so it makes the member at run time.
THROWAWAY = _kinds.add("throwaway_blog_read")


def detect(analysis: Analysis) -> Iterator[Finding]:
    for query in analysis.queries:
        if query.orm.model == "testapp.Blog" and query.orm.kind != "write":
            yield Finding(
                kind=THROWAWAY,
                message="Throwaway: a Blog was read; nothing is wrong, this kind is for tests",
                call_site=query.call_site,
                origin=query.call_site,
                fix="# nothing to fix",
                queries=[query],
            )


KIND = KindSpec(
    kind=THROWAWAY,
    label="blog read",
    plural="blog reads",
    detect=detect,
    claims=False,
)
