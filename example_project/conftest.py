from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from pytest_django import DjangoDbBlocker


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> None:
    """The test database (in memory, never db.sqlite3), filled once for the session."""
    with django_db_blocker.unblock():
        call_command("demo_data", stdout=StringIO())
