#!/usr/bin/env python
"""Django's command-line utility for the ormwatch example project.

Run it from anywhere: Python puts this file's folder first on ``sys.path``, so
the ``config`` settings package and the ``blog`` app import as top-level names.
"""

from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
