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
Until the ``await`` has travelled up to the task, the running part of the chain
has no ``cr_await`` to follow. A miss is searched again: at once if the loop's
thread is seen running no coroutine code (the step has ended, so the task has
suspended), after yielding the GIL while it still is (a task mid-step, maybe
ours); never when the loop holds more tasks than are searched.
"""

from __future__ import annotations

import asyncio
import gc
import inspect
import sys
import time
from types import CodeType, FrameType
from typing import Any

_MAX_TASKS = 500
_ASYNC_CODE = inspect.CO_COROUTINE | inspect.CO_ITERABLE_COROUTINE | inspect.CO_ASYNC_GENERATOR
# Pauses before each retry while the loop is mid-step: the first ones only yield
# the GIL; 10 ms in all, for a loop thread starved of CPU.
_RETRY_PAUSES = (0.0, 0.0, 0.0, 0.0005, 0.001, 0.002, 0.003, 0.0035)
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
    found, searched_all = _awaiting(loop, call, owner)
    for pause in _RETRY_PAUSES:
        if found is not None or not searched_all:
            break
        busy = _mid_step(loop)
        if busy:
            time.sleep(pause)  # let the loop's thread finish suspending the task
        found, searched_all = _awaiting(loop, call, owner)
        if not busy:
            break  # seen idle, so the task had suspended: that search was final
    return found or []


def _mid_step(loop: Any) -> bool:
    """Whether the loop's thread is running coroutine code now (a task mid-step,
    maybe ours, still suspending: its ``await`` travels up frame by frame)."""
    frame = sys._current_frames().get(getattr(loop, "_thread_id", None) or -1)
    while frame is not None:
        if frame.f_code.co_flags & _ASYNC_CODE:
            return True
        frame = frame.f_back
    return False


def _awaiting(loop: Any, call: CodeType, owner: Any) -> tuple[list[FrameType] | None, bool]:
    """The frames awaiting ``owner``, and whether every task was searched."""
    try:
        tasks = list(asyncio.all_tasks(loop))
    except RuntimeError:  # the task set changed while we copied it: try again
        return None, True
    for task in tasks[:_MAX_TASKS]:
        frames = _chain(task.get_coro())
        for index, frame in enumerate(frames):
            if frame.f_code is call and frame.f_locals.get("self") is owner:
                return frames[:index][::-1], True
    return None, len(tasks) <= _MAX_TASKS


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
