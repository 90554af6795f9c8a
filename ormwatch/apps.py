from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.core.signals import request_finished, request_started, setting_changed
from django.utils.autoreload import file_changed


class OrmWatchConfig(AppConfig):
    name = "ormwatch"
    verbose_name = "ormwatch"
    default = True

    def ready(self) -> None:
        from ormwatch import _checks  # noqa: F401 - registers the system checks
        from ormwatch._record import _requests, install

        install()
        # Which request a statement ran in, and its status (unused_eager_load).
        request_started.connect(_requests.started, dispatch_uid="ormwatch.request_started")
        request_finished.connect(_requests.finished, dispatch_uid="ormwatch.request_finished")
        setting_changed.connect(_settings_changed, dispatch_uid="ormwatch.settings")
        file_changed.connect(_file_changed, dispatch_uid="ormwatch.file_changed")


def _settings_changed(setting: str, **kwargs: Any) -> None:
    # The settings object and the per-statement caches notice a replaced
    # ORMWATCH or DEBUG by themselves (see _conf.get); the call-site caches
    # depend on LIBRARY_PATHS and USER_PATHS and are dropped here.
    if setting == "ORMWATCH":
        from ormwatch import _stack

        _stack.clear_caches()


def _file_changed(file_path: Any, **kwargs: Any) -> None:
    # Sent by runserver's reloader. It restarts the process for Python files but
    # only resets the template loaders for templates; their cached sites go here.
    # Returning None leaves the restart decision to Django.
    from ormwatch import _failsafe
    from ormwatch._stack import _callsite

    try:
        _callsite.forget_file(str(file_path))
    except Exception as exc:  # never in the way of the reloader
        _failsafe.swallow("forgetting an edited file's call sites", exc)
