"""A unittest result that keeps every test's outcome, for comparing two runs."""

from __future__ import annotations

import unittest
from collections.abc import Callable
from types import TracebackType
from typing import Any

ExcInfo = tuple[type[BaseException], BaseException, TracebackType]
OptExcInfo = ExcInfo | tuple[None, None, None]

OUTCOMES = (
    "passed",
    "failed",
    "error",
    "skipped",
    "expected failure",
    "unexpected success",
)


class OutcomeResult(unittest.TextTestResult):
    """``outcomes[test id] = [outcome, detail]``; a failing subtest fails its test.

    ``hooks`` are called around each test (the watched run opens and closes
    ormwatch's recording there).
    """

    outcomes: dict[str, list[str]]
    on_start: Callable[[str], None] | None = None
    on_stop: Callable[[str], None] | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.outcomes = {}

    def _set(self, test: unittest.TestCase, outcome: str, detail: str = "") -> None:
        self.outcomes[test.id()] = [outcome, detail]

    def _text(self, err: OptExcInfo, test: unittest.TestCase) -> str:
        return str(self._exc_info_to_string(err, test))  # type: ignore[attr-defined]

    def startTest(self, test: unittest.TestCase) -> None:
        if self.on_start is not None:
            self.on_start(test.id())
        super().startTest(test)

    def stopTest(self, test: unittest.TestCase) -> None:
        super().stopTest(test)
        if self.on_stop is not None:
            self.on_stop(test.id())

    def addSuccess(self, test: unittest.TestCase) -> None:
        super().addSuccess(test)
        self._set(test, "passed")

    def addFailure(self, test: unittest.TestCase, err: OptExcInfo) -> None:
        super().addFailure(test, err)
        self._set(test, "failed", self._text(err, test))

    def addError(self, test: unittest.TestCase, err: OptExcInfo) -> None:
        # Also errors of setUpClass/tearDownClass: their id names the class.
        super().addError(test, err)
        self._set(test, "error", self._text(err, test))

    def addSkip(self, test: unittest.TestCase, reason: str) -> None:
        super().addSkip(test, reason)
        self._set(test, "skipped", reason)

    def addExpectedFailure(self, test: unittest.TestCase, err: OptExcInfo) -> None:
        super().addExpectedFailure(test, err)
        self._set(test, "expected failure")

    def addUnexpectedSuccess(self, test: unittest.TestCase) -> None:
        super().addUnexpectedSuccess(test)
        self._set(test, "unexpected success")

    def addSubTest(
        self, test: unittest.TestCase, subtest: unittest.TestCase, err: OptExcInfo | None
    ) -> None:
        super().addSubTest(test, subtest, err)
        if err is None or err[0] is None:
            return
        failed = issubclass(err[0], test.failureException)
        outcome = "failed" if failed else "error"
        previous = self.outcomes.get(test.id(), ["", ""])[1]
        text = f"{subtest.id()}\n{self._text(err, subtest)}"
        self._set(test, outcome, f"{previous}\n{text}" if previous else text)
