"""``python -m tests.load_project.database create|drop``: the served project's database.

``create`` makes an empty database (a new SQLite file needs nothing; on
PostgreSQL or MariaDB ``ORMWATCH_LOAD_DB_NAME`` is created through Django's
maintenance connection), migrates it and fills it with the example data.
"""

from __future__ import annotations

import sys

import django


def main(action: str) -> None:
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    name = connection.settings_dict["NAME"]
    if connection.vendor != "sqlite":
        quoted = connection.ops.quote_name(str(name))
        charset = " CHARACTER SET utf8mb4" if connection.vendor == "mysql" else ""
        with connection._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {quoted}")
            if action == "create":
                cursor.execute(f"CREATE DATABASE {quoted}{charset}")
    if action == "create":
        call_command("migrate", verbosity=0, interactive=False)
        call_command("demo_data", verbosity=0)


if __name__ == "__main__":
    main(sys.argv[1])
