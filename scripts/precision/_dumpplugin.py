"""pytest plugin (``-p _dumpplugin``): each test's whole ormwatch report, stacks included.

Written to ``$ORMWATCH_DUMP`` as JSON lines, one test per line. It wraps the
test call as the ormwatch plugin does, in its own ``watch()`` block, so it
sees the same statements.
"""

from __future__ import annotations

import json
import os
from collections.abc import Generator

import pytest


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, object, object]:
    from ormwatch import watch

    with watch() as report:
        try:
            return (yield)
        finally:
            data = {"nodeid": item.nodeid, **report.to_dict()}
            with open(os.environ["ORMWATCH_DUMP"], "a", encoding="utf-8") as out:
                out.write(json.dumps(data, default=str, ensure_ascii=False) + "\n")
