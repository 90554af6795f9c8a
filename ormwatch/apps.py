from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.core.signals import setting_changed


class OrmWatchConfig(AppConfig):
    name = "ormwatch"
    verbose_name = "ormwatch"
    default = True

    def ready(self) -> None:
        from ormwatch import _checks  # noqa: F401 - registers the system checks
        from ormwatch._record import install

        install()
        setting_changed.connect(_settings_changed, dispatch_uid="ormwatch.settings")


def _settings_changed(setting: str, **kwargs: Any) -> None:
    # The settings object and the per-statement caches notice a replaced
    # ORMWATCH or DEBUG by themselves (see _conf.get); the call-site caches
    # depend on LIBRARY_PATHS and USER_PATHS and are dropped here.
    if setting == "ORMWATCH":
        from ormwatch import _frames

        _frames.clear_caches()
