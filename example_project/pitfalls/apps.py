from __future__ import annotations

from django.apps import AppConfig


class PitfallsConfig(AppConfig):
    name = "pitfalls"
