"""The ``ORMWATCH`` setting, read on every access so ``override_settings`` works."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

DEFAULTS: dict[str, Any] = {
    # Queries kept in full per report; beyond it they are only counted.
    "MAX_QUERIES": 10_000,
    # User frames kept per query after the call site (the "trimmed stack").
    "STACK_DEPTH": 8,
    # Characters kept of one string parameter, and items of one list of them.
    "MAX_PARAM_LENGTH": 200,
    "MAX_PARAMS": 50,
    # Path prefixes that count as library code, and ones that count as user
    # code even inside site-packages (your own installed packages).
    "LIBRARY_PATHS": [],
    "USER_PATHS": [],
}


@dataclass(frozen=True)
class Settings:
    max_queries: int
    stack_depth: int
    max_param_length: int
    max_params: int
    library_paths: tuple[str, ...]
    user_paths: tuple[str, ...]


def raw() -> dict[str, Any]:
    from django.conf import settings

    if not settings.configured:
        return dict(DEFAULTS)
    user: dict[str, Any] = getattr(settings, "ORMWATCH", None) or {}
    return {**DEFAULTS, **user}


def get() -> Settings:
    """The current settings, merged over the defaults."""
    values = raw()
    return Settings(
        max_queries=int(values["MAX_QUERIES"]),
        stack_depth=int(values["STACK_DEPTH"]),
        max_param_length=int(values["MAX_PARAM_LENGTH"]),
        max_params=int(values["MAX_PARAMS"]),
        library_paths=tuple(str(p) for p in values["LIBRARY_PATHS"]),
        user_paths=tuple(str(p) for p in values["USER_PATHS"]),
    )
