"""Whether a call site lies in a test module: a test file, or a module of a ``tests`` package.

Test code writes rows one by one on purpose (set-up loops, factories, helpers
in ``tests/helpers.py``), so ``repeated_write`` skips it unless
``REPORT_WRITES_IN_TESTS`` asks for it. The names are pytest's default
``python_files`` (``test_*.py``, ``*_test.py``), Django's ``tests.py`` and
the usual ``*_tests.py``, and ``conftest.py``. Only the part of the path
below the working directory is read for a ``tests`` folder, so a checkout
that happens to live in ``~/tests/`` is not all test code.
"""

from __future__ import annotations

import fnmatch
import functools
import os

from ormwatch._query import CallSite

_FILES = ("test_*.py", "*_test.py", "*_tests.py", "tests.py", "conftest.py")


@functools.lru_cache(maxsize=1024)
def _is_test_path(short_path: str) -> bool:
    parts = short_path.replace(os.sep, "/").split("/")
    if any(fnmatch.fnmatchcase(parts[-1], pattern) for pattern in _FILES):
        return True
    return not os.path.isabs(short_path) and "tests" in parts[:-1]


def in_test_module(site: CallSite) -> bool:
    return site.kind == "python" and _is_test_path(site.short_path)
