"""Log records as JSON lines, for the load test to read back per request."""

from __future__ import annotations

import json
import logging


class JsonLines(logging.Formatter):
    """One JSON object per record: logger, level, message, ``record.ormwatch``, traceback."""

    def format(self, record: logging.LogRecord) -> str:
        return json.dumps(
            {
                "logger": record.name,
                "level": record.levelname,
                "message": record.getMessage(),
                "ormwatch": getattr(record, "ormwatch", None),
                "exc": self.formatException(record.exc_info) if record.exc_info else None,
            },
            ensure_ascii=False,
            default=str,
        )
