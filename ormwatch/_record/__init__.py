"""The record stage: the connection wrapper, the watch() scope, the per-request scope."""

from __future__ import annotations

from ormwatch._record._scope import current_request_report, request_scope
from ormwatch._record._watch import watch
from ormwatch._record._wrapper import install

__all__ = ["current_request_report", "install", "request_scope", "watch"]
