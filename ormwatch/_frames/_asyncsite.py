"""The awaiting coroutine behind an ORM call made through ``sync_to_async``.

Under ASGI, ``await qs.aget()`` or ``await sync_to_async(f)()`` runs the ORM
in a worker thread whose stack holds no user frame: the user's coroutine is
suspended on the event loop, awaiting asgiref's ``SyncToAsync.__call__``.
We find that coroutine by matching the ``SyncToAsync`` instance from the
worker's ``thread_handler`` frame and return its frames, innermost first.
Reading a suspended coroutine's frames from another thread is safe: it cannot
resume until this thread returns.

The worker can start before the coroutine has suspended: ``SyncToAsync.__call__``
submits the work, then awaits it, and under contention the worker runs first.
Until the ``await``, the coroutine chain has no ``cr_await`` to follow. A miss
is retried, after yielding the GIL, only while that ``__call__`` is verifiably
still running on the loop's thread; any other miss returns at once.
"""

from __future__ import annotations

import asyncio
import gc
import sys
import time
from types import CodeType, FrameType
from typing import Any

_MAX_TASKS = 500
# Pauses before each retry while the coroutine has not yet suspended: the first
# ones only yield the GIL; 26 ms in all for a loop thread starved of CPU.
_RETRY_PAUSES = (0.0, 0.0, 0.0, 0.0005, 0.001, 0.002, 0.005, 0.0075, 0.01)
_call_code: CodeType | None = None


def _sync_to_async_call() -> CodeType | None:
    global _call_code
    if _call_code is None:
        from asgiref.sync import SyncToAsync

        _call_code = SyncToAsync.__call__.__code__
    return _call_code


def awaiting_frames(thread_handler: FrameType) -> list[FrameType]:
    owner = thread_handler.f_locals.get("self")
    loop = thread_handler.f_locals.get("loop")
    call = _sync_to_async_call()
    if owner is None or loop is None or call is None:
        return []
    found = _awaiting(loop, call, owner)
    for pause in _RETRY_PAUSES:
        if found is not None or not _still_running(loop, call, owner):
            break
        time.sleep(pause)  # let the loop's thread reach its await
        found = _awaiting(loop, call, owner)
    return found or []


def _still_running(loop: Any, call: CodeType, owner: Any) -> bool:
    """Whether ``owner``'s ``__call__`` is executing on the loop's thread right now."""
    frame = sys._current_frames().get(getattr(loop, "_thread_id", None) or -1)
    while frame is not None:
        if frame.f_code is call and frame.f_locals.get("self") is owner:
            return True
        frame = frame.f_back
    return False


def _awaiting(loop: Any, call: CodeType, owner: Any) -> list[FrameType] | None:
    try:
        tasks = list(asyncio.all_tasks(loop))
    except RuntimeError:  # the task set changed while we copied it
        return None
    for task in tasks[:_MAX_TASKS]:
        frames = _chain(task.get_coro())
        for index, frame in enumerate(frames):
            if frame.f_code is call and frame.f_locals.get("self") is owner:
                return frames[:index][::-1]
    return None


def _chain(awaitable: Any) -> list[FrameType]:
    """Frames of a coroutine and everything it awaits, outermost first."""
    frames: list[FrameType] = []
    for _ in range(200):
        if awaitable is None:
            break
        frame = (
            getattr(awaitable, "cr_frame", None)
            or getattr(awaitable, "gi_frame", None)
            or getattr(awaitable, "ag_frame", None)
        )
        if frame is None:
            # ``async for`` awaits an async_generator_asend object, which does
            # not expose the generator it advances; gc can see it.
            awaitable = next(
                (r for r in gc.get_referents(awaitable) if hasattr(r, "ag_frame")), None
            )
            continue
        frames.append(frame)
        awaitable = (
            getattr(awaitable, "cr_await", None)
            or getattr(awaitable, "gi_yieldfrom", None)
            or getattr(awaitable, "ag_await", None)
        )
    return frames
