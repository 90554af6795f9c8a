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
    from ormwatch import _conf

    _conf.clear()
    if setting == "ORMWATCH":
        from ormwatch import _frames
        from ormwatch._record import _statements

        _frames.clear_caches()
        _statements.clear()
