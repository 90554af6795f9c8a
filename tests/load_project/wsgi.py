"""WSGI entry point for gunicorn: ``tests.load_project.wsgi:application``."""

from __future__ import annotations

from django.core.wsgi import get_wsgi_application

application = get_wsgi_application()
