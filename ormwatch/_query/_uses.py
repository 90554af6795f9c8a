"""Which eager-loaded relations were filled and read, and when: one recording's live map.

``ormwatch._reads`` fills it while the recording runs; ``unused_eager_load``
reads it at analysis time. Times are ticks of one process-wide counter, taken
per recorded statement (``Query.tick``) and per request start and end, so a
nested recording's statements and its outer recording's notes share one
clock.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

MAX_READS = 64  # ticks kept per relation; past that it counts as read everywhere
MAX_LOADS = 4096
MAX_REQUESTS = 1024

tick: Callable[[], int] = itertools.count(1).__next__  # atomic under the GIL


class RelationUse(dict[str, int]):
    """``"app.Model.relation"`` -> flags (1: select_related filled it, 2: user code read it).

    Beyond the flags: ``clock``, the tick of the latest statement or request
    boundary; ``reads``, the ticks each relation was read at (None: too many
    to keep); ``loads``, how many parent objects a statement (by its tick)
    filled a relation for with a related row or prefetched it for; and
    ``requests``, ``[start, end, status]`` of each request seen (``end`` 0
    while open, ``status`` 0 while unknown).
    """

    __slots__ = ("clock", "loads", "reads", "requests")

    def __init__(self) -> None:
        super().__init__()
        self.clock = 0
        self.reads: dict[str, list[int] | None] = {}
        self.loads: dict[tuple[str, int], int] = {}
        self.requests: list[list[int]] = []

    def note_read(self, key: str) -> None:
        log = self.reads.setdefault(key, [])
        if log is None or (log and log[-1] == self.clock):
            return
        if len(log) >= MAX_READS:
            self.reads[key] = None
        else:
            log.append(self.clock)

    def note_load(self, key: str, count: int = 1) -> None:
        at = (key, self.clock)
        if at in self.loads or len(self.loads) < MAX_LOADS:
            self.loads[at] = self.loads.get(at, 0) + count

    def parents(self, key: str, at: int) -> int:
        """Parent objects the statement of tick ``at`` loaded ``key`` for (0: not known)."""
        return self.loads.get((key, at), 0)

    def read_after(self, key: str, at: int) -> bool:
        """Whether ``key`` was read after the statement of tick ``at``, in its request.

        A read in a test's set-up or in another request of the test is not a
        read of what this statement loaded.
        """
        if key not in self.reads:
            return False
        log = self.reads[key]
        if log is None:
            return True
        request = self.request_of(at)
        return any(t >= at and self.request_of(t) == request for t in log)

    def request_of(self, at: int) -> int | None:
        """The index of the request the tick ``at`` lies in, if any."""
        for index in range(len(self.requests) - 1, -1, -1):
            start, end, _ = self.requests[index]
            if start <= at and (end == 0 or at < end):
                return index
        return None

    def failed(self, at: int) -> bool:
        """Whether the tick ``at`` lies in a request answered with a 4xx or 5xx status."""
        index = self.request_of(at)
        return index is not None and self.requests[index][2] >= 400

    def started(self, at: int) -> None:
        self.clock = at
        if len(self.requests) < MAX_REQUESTS:
            self.requests.append([at, 0, 0])

    def answered(self, status: int) -> None:
        """The open request's status; a recording opened inside the request has none open."""
        open_ = self._open()
        if open_ is not None:
            open_[2] = open_[2] or status
        elif not self.requests:
            self.requests.append([0, 0, status])

    def finished(self, at: int, status: int) -> None:
        self.clock = at
        open_ = self._open()
        if open_ is not None:
            open_[1] = at
            open_[2] = open_[2] or status

    def _open(self) -> list[int] | None:
        return next((r for r in reversed(self.requests) if r[1] == 0), None)
