"""ASGI entry point for uvicorn: ``tests.load_project.asgi:application``."""

from __future__ import annotations

from django.core.asgi import get_asgi_application

application = get_asgi_application()
