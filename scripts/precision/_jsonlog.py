"""A logging handler that writes each ``ormwatch`` record's structured data as one JSON line.

The middleware run's settings install it on the ``ormwatch`` logger; each
line also names the pytest test that was running (``PYTEST_CURRENT_TEST``).
"""

from __future__ import annotations

import json
import logging
import os


class JsonLinesHandler(logging.Handler):
    def __init__(self, filename: str) -> None:
        super().__init__()
        self._file = open(filename, "a", encoding="utf-8", buffering=1)  # noqa: SIM115

    def emit(self, record: logging.LogRecord) -> None:
        data = getattr(record, "ormwatch", None)
        if not isinstance(data, dict):
            return
        test = os.environ.get("PYTEST_CURRENT_TEST", "").rsplit(" (", 1)[0]
        line = {"test": test, "level": record.levelname, **data}
        try:
            self._file.write(json.dumps(line, default=str, ensure_ascii=False) + "\n")
        except Exception:  # a full disk must not fail the project's test
            self.handleError(record)

    def close(self) -> None:
        self._file.close()
        super().close()
