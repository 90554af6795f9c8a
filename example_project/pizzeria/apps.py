from __future__ import annotations

from django.apps import AppConfig


class PizzeriaConfig(AppConfig):
    name = "pizzeria"
