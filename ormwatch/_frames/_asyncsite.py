"""The awaiting coroutine behind an ORM call made through ``sync_to_async``.

Under ASGI, ``await qs.aget()`` or ``await sync_to_async(f)()`` runs the ORM
in a worker thread whose stack holds no user frame: the user's coroutine is
suspended on the event loop, awaiting asgiref's ``SyncToAsync.__call__``.
We find that coroutine by matching the ``SyncToAsync`` instance from the
worker's ``thread_handler`` frame and return its frames, innermost first.
Reading a suspended coroutine's frames from another thread is safe: it cannot
resume until this thread returns.
"""

from __future__ import annotations

import asyncio
import gc
from types import CodeType, FrameType
from typing import Any

_MAX_TASKS = 500
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
    try:
        tasks = list(asyncio.all_tasks(loop))
    except RuntimeError:  # the task set changed while we copied it
        return []
    for task in tasks[:_MAX_TASKS]:
        frames = _chain(task.get_coro())
        for index, frame in enumerate(frames):
            if frame.f_code is call and frame.f_locals.get("self") is owner:
                return frames[:index][::-1]
    return []


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
