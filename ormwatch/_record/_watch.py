"""``ormwatch.watch()``: record a block, analyse it when it ends."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from time import perf_counter

from ormwatch._record._active import active
from ormwatch._record._recording import Recording
from ormwatch._record._wrapper import install
from ormwatch._report import Report


@contextmanager
def watch() -> Iterator[Report]:
    """Record every SQL statement run in this block, on every database alias.

    Recording follows the current context (thread, async task, or a context
    copied into a worker thread), so concurrent blocks never see each other's
    queries; nested blocks each get their own report. The report's findings
    are computed when the block ends, even if it raised.
    """
    install()
    recording = Recording()
    report = Report(recording)
    token = active.set((*active.get(), recording))
    try:
        yield report
    finally:
        try:
            active.reset(token)
        except ValueError:  # left in another context (e.g. a generator moved across tasks)
            active.set(tuple(r for r in active.get() if r is not recording))
        recording.ended = perf_counter()
        report.findings  # noqa: B018 - analyse now, while the block's settings are in force
