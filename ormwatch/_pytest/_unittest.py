"""unittest-style set-up and tear-down are not the test: they run unrecorded.

pytest runs fixtures in the set-up phase, before the plugin starts recording
the test body, so rows a fixture creates never reach a report. A
``unittest.TestCase`` runs ``setUp()``, the test method, ``tearDown()`` and
its cleanups all inside the call phase, and Django's test cases add
``_pre_setup()`` (a ``TransactionTestCase`` loads its ``fixtures`` there) and
``_post_teardown()`` (it flushes the database). While the test case runs,
these methods are replaced on the instance by wrappers that run them with no
recording open, and restored afterwards. ``setUpClass()`` and
``setUpTestData()`` run in pytest's set-up phase already.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

_SET_UP_AND_TEAR_DOWN = ("setUp", "tearDown", "doCleanups", "_pre_setup", "_post_teardown")


def _unrecorded(method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def run(*args: Any, **kwargs: Any) -> Any:
        from ormwatch._record._active import active

        token = active.set(())
        try:
            return method(*args, **kwargs)
        finally:
            active.reset(token)

    return run


@contextmanager
def set_up_unrecorded(instance: object) -> Iterator[None]:
    """Run ``instance``'s set-up and tear-down unrecorded, if it is a ``unittest.TestCase``."""
    import unittest

    if not isinstance(instance, unittest.TestCase):
        yield
        return
    replaced = []
    for name in _SET_UP_AND_TEAR_DOWN:
        method = getattr(instance, name, None)
        if callable(method) and name not in vars(instance):
            setattr(instance, name, _unrecorded(method))
            replaced.append(name)
    try:
        yield
    finally:
        for name in replaced:
            vars(instance).pop(name, None)
