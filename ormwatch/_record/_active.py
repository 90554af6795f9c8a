"""The recordings open in this context: the one piece of state the wrapper and the patch share.

A module of its own, importing nothing of ormwatch at run time, so that the
descriptor patch (``ormwatch._reads``) can read it without importing the
recorder that imports the stack walk that imports the patch.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ormwatch._record._recording import Recording

active: ContextVar[tuple[Recording, ...]] = ContextVar("ormwatch_active", default=())
