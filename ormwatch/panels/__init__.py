"""The django-debug-toolbar panel: ``"ormwatch.panels.OrmWatchPanel"``.

Importing this package needs django-debug-toolbar (``pip install ormwatch[toolbar]``).
"""

from __future__ import annotations

from django.core import checks

from ormwatch._checks import check_panel_needs_app
from ormwatch.panels._panel import OrmWatchPanel

# Registered here, not in AppConfig.ready(): the check is for projects where
# the toolbar imports this panel although the ormwatch app is not installed.
checks.register(check_panel_needs_app)

__all__ = ["OrmWatchPanel"]
