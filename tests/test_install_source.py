"""Which ormwatch the suite imports: the checkout, or in the matrix the built wheel.

Not marked slow (unlike tests/test_packaging.py), so the matrix, which skips
the slow tests, still checks that it tests the wheel.
"""

from __future__ import annotations

import os
from pathlib import Path

import ormwatch

REPO = Path(__file__).resolve().parent.parent


def test_ormwatch_is_imported_from_the_expected_install() -> None:
    # noxfile.py sets ORMWATCH_EXPECT_INSTALL=wheel: the matrix must test the
    # built wheel, not the source folder next to the tests.
    package = Path(ormwatch.__file__).resolve().parent
    if os.environ.get("ORMWATCH_EXPECT_INSTALL") == "wheel":
        assert package != REPO / "ormwatch"
        assert "site-packages" in package.parts, package
    else:
        assert package == REPO / "ormwatch"
