"""The record stage: the connection wrapper and the watch() scope."""

from __future__ import annotations

from ormwatch._record._watch import watch
from ormwatch._record._wrapper import install

__all__ = ["install", "watch"]
