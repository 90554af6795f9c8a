"""The profilers compared, each a set of settings a request runs under.

Every mode gets its own test ``Client`` (its handler builds the middleware
chain once, under the mode's ``MIDDLEWARE``), and each timed request runs
inside the mode's ``override_settings``, so modes can be interleaved request
by request in one process.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.test import Client

TOOLBAR = "debug_toolbar.middleware.DebugToolbarMiddleware"


@dataclass
class Mode:
    name: str
    settings: dict[str, Any]
    peer: str | None = None  # the app a peer profiler needs installed
    client: Client | None = field(default=None, repr=False)

    @contextmanager
    def active(self) -> Iterator[Client]:
        # Imported here: django.test needs settings, and modes are chosen before them.
        from django.test import Client, override_settings

        with override_settings(**self.settings):
            if self.client is None:
                self.client = Client()
            yield self.client


NONE = Mode("no profiler", {"MIDDLEWARE": []})
MIDDLEWARE = Mode("ormwatch middleware", {"MIDDLEWARE": ["ormwatch.middleware.OrmWatchMiddleware"]})
OUR_PANEL = Mode(
    "toolbar: ormwatch panel",
    {"MIDDLEWARE": [TOOLBAR], "DEBUG_TOOLBAR_PANELS": ["ormwatch.panels.OrmWatchPanel"]},
)
SQL_PANEL = Mode(
    "toolbar: SQL panel",
    {"MIDDLEWARE": [TOOLBAR], "DEBUG_TOOLBAR_PANELS": ["debug_toolbar.panels.sql.SQLPanel"]},
)
ZEAL = Mode("django-zeal", {"MIDDLEWARE": ["zeal.middleware.zeal_middleware"]}, peer="zeal")
QUERY_DOCTOR = Mode(
    "django-query-doctor",
    {"MIDDLEWARE": ["query_doctor.middleware.QueryDoctorMiddleware"]},
    peer="query_doctor",
)

OURS = (NONE, MIDDLEWARE, OUR_PANEL, SQL_PANEL)
PEERS = (ZEAL, QUERY_DOCTOR)
BY_NAME = {mode.name: mode for mode in (*OURS, *PEERS)}


def installed(mode: Mode) -> bool:
    return mode.peer is None or importlib.util.find_spec(mode.peer) is not None
