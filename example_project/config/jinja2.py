"""The Jinja2 environment: Django's ``static()`` and ``url()`` as globals."""

from __future__ import annotations

from typing import Any

from django.templatetags.static import static
from django.urls import reverse
from jinja2 import Environment


def url(name: str, *args: Any) -> str:
    return reverse(name, args=args)


def environment(**options: Any) -> Environment:
    env = Environment(**options)
    env.globals.update(static=static, url=url)
    return env
