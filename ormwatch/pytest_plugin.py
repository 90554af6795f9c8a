"""The pytest plugin, registered through the ``pytest11`` entry point.

It imports neither Django nor the recorder until a test needs them, so it is
safe in any pytest run. The work lives in ``ormwatch._pytest``.
"""

from __future__ import annotations

import pytest

from ormwatch._pytest._fixture import OrmWatchFixture
from ormwatch._pytest._options import add_options
from ormwatch._pytest._session import OrmWatchSession


def pytest_addoption(parser: pytest.Parser) -> None:
    add_options(parser)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "ormwatch(max_queries=None, allow=()): fail the test past max_queries statements; "
        "allow lists finding kinds that do not fail it",
    )
    config.pluginmanager.register(OrmWatchSession(config), "ormwatch-session")


@pytest.fixture
def ormwatch(request: pytest.FixtureRequest) -> OrmWatchFixture:
    """Records the test body on every database and checks it.

    ``ormwatch.findings`` and ``ormwatch.queries`` so far;
    ``ormwatch.assert_clean(*kinds)``; ``ormwatch.assert_max_queries(n)`` (all
    aliases, transaction statements excluded); ``with ormwatch.capture() as
    report:`` for one block.
    """
    return OrmWatchFixture(verbose=request.config.get_verbosity() > 0)
