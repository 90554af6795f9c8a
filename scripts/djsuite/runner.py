"""``TEST_RUNNER`` of both runs: Django's runner, keeping each test's outcome.

Reads ``DJANGO_SUITE_OUTPUT`` (where to write the outcomes as JSON) and
``DJANGO_SUITE_WATCH`` (``1``: the watched run, see ``recorder``). Tests of
the exclusion table are dropped from the suite before it runs.
"""

from __future__ import annotations

import json
import os
import unittest
from typing import TYPE_CHECKING, Any

from django.test.runner import DiscoverRunner
from django.test.utils import iter_test_cases  # type: ignore[attr-defined]

from djsuite.exclusions import excluded
from djsuite.outcomes import OutcomeResult

if TYPE_CHECKING:
    from djsuite.recorder import Recorder


class SuiteRunner(DiscoverRunner):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.parallel > 1:  # outcomes are collected in this process
            raise SystemExit("the Django suite comparison runs with --parallel 1")
        self.result: OutcomeResult | None = None
        self.excluded: dict[str, str] = {}
        self.recorder: Recorder | None = None
        if os.environ.get("DJANGO_SUITE_WATCH") == "1":
            from djsuite.recorder import Recorder

            self.recorder = Recorder()

    def build_suite(self, *args: Any, **kwargs: Any) -> unittest.TestSuite:
        suite = super().build_suite(*args, **kwargs)
        vendor = os.environ.get("ORMWATCH_TEST_DB", "sqlite")
        kept = []
        for test in iter_test_cases(suite):
            exclusion = excluded(test.id(), vendor)
            if exclusion is None:
                kept.append(test)
            else:
                self.excluded[test.id()] = exclusion.reason
        return self.test_suite(kept)

    def get_resultclass(self) -> type[OutcomeResult]:
        runner = self

        class Result(OutcomeResult):
            def __init__(self, *args: Any, **kwargs: Any) -> None:
                super().__init__(*args, **kwargs)
                runner.result = self
                recorder = runner.recorder
                if recorder is not None:
                    self.on_start = recorder.begin
                    self.on_stop = lambda test_id: recorder.begin("between tests")

        return Result

    def run_tests(self, *args: Any, **kwargs: Any) -> int:
        if self.recorder is not None:
            self.recorder.begin("database setup and checks")
        try:
            return int(super().run_tests(*args, **kwargs))
        finally:
            self._write()

    def _write(self) -> None:
        data: dict[str, Any] = {
            "tests_run": self.result.testsRun if self.result else 0,
            "outcomes": self.result.outcomes if self.result else {},
            "excluded": self.excluded,
        }
        if self.recorder is not None:
            self.recorder.end()
            data["ormwatch"] = self.recorder.summary()
        with open(os.environ["DJANGO_SUITE_OUTPUT"], "w", encoding="utf-8") as out:
            json.dump(data, out)
