"""The watched run: every statement of the run inside an ``ormwatch.watch()`` block.

Each test gets its own block, opened when the test starts and closed (so
analysed: every detector sees the test's statements) when it stops. Between
tests another block is open, so the statements of database creation,
``setUpClass``/``setUpTestData``, fixtures and the transaction each test runs
in are recorded and analysed too. Only the public API is used: ``watch()``
installs the recorder on every connection, ``Report.findings`` and
``Report.to_dict()`` force the analysis and the output's serialisation.
ormwatch's internal errors are the ERROR records of the ``ormwatch`` logger
(its fail-open log); they are counted with the test they happened in.
"""

from __future__ import annotations

import json
import logging
import traceback
from collections import Counter
from contextlib import AbstractContextManager
from typing import Any

import ormwatch


class _ErrorLog(logging.Handler):
    def __init__(self, recorder: Recorder) -> None:
        super().__init__(logging.ERROR)
        self.recorder = recorder

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage()
        if record.exc_info:
            text += "\n" + "".join(traceback.format_exception(*record.exc_info))
        self.recorder.errors.append({"where": self.recorder.segment, "log": text})


class Recorder:
    def __init__(self) -> None:
        self.segment = ""
        self.errors: list[dict[str, str]] = []
        self.findings: Counter[str] = Counter()
        self.statements = 0
        self.blocks = 0
        self.uncounted = 0  # blocks that ended while the error log was not being read
        self._block: AbstractContextManager[ormwatch.Report] | None = None
        self._report: ormwatch.Report | None = None
        self._handler = _ErrorLog(self)
        logging.getLogger("ormwatch").addHandler(self._handler)

    def begin(self, segment: str) -> None:
        self.end()
        self.segment = segment
        self._block = ormwatch.watch()
        self._report = self._block.__enter__()

    def end(self) -> None:
        block, report = self._block, self._report
        if block is None or report is None:
            return
        self._block = self._report = None
        if not self._counting():
            self.uncounted += 1
        try:
            block.__exit__(None, None, None)
            self.blocks += 1
            self.statements += report.query_count
            for finding in report.findings:
                self.findings[str(finding.kind)] += 1
            json.dumps(report.to_dict())
        except Exception:  # an error escaping ormwatch: counted like a logged one
            self.errors.append({"where": self.segment, "log": traceback.format_exc()})

    def _counting(self) -> bool:
        # A test may reconfigure or disable logging: say so rather than count 0.
        logger = logging.getLogger("ormwatch")
        return (
            self._handler in logger.handlers
            and not logger.disabled
            and logger.isEnabledFor(logging.ERROR)
        )

    def summary(self) -> dict[str, Any]:
        return {
            "errors": self.errors,
            "findings": dict(self.findings),
            "statements": self.statements,
            "blocks": self.blocks,
            "uncounted": self.uncounted,
        }
