"""Read the stack that issued a statement: its call site, user stack and ORM context.

One walk from the innermost frame outwards. ORM frames are collected until the
first user (or template) frame, which is the call site; after it only user and
template frames are kept, up to ``STACK_DEPTH``. When the walk crosses into
asgiref's worker thread before finding the call site, it continues in the
coroutine awaiting that thread: the sync frames further out belong to whoever
is blocked waiting, not to the code that asked for the query.
"""

from __future__ import annotations

from types import FrameType
from typing import Any

from ormwatch._query import CallSite, OrmContext
from ormwatch._stack import _asyncsite, _callsite, _orm, _reuse, _roles, _viewsite

__all__ = ["clear_caches", "read"]


def clear_caches() -> None:
    """Drop what depends on ``LIBRARY_PATHS`` / ``USER_PATHS``: code kinds and sites."""
    _callsite.clear_caches()
    _viewsite.clear()


def read(
    frame: FrameType | None,
    fingerprint: str,
    depth: int,
    sql: str,
    contexts: dict[tuple[Any, ...], OrmContext],
) -> tuple[CallSite | None, tuple[CallSite, ...], OrmContext, Any, int]:
    """The call site, trimmed stack, ORM context and view of a statement; did a library API run it?

    The last answer is whether a library API of its own (not the ORM's path,
    a template engine or a view framework) ran the statement below the user's
    line (``_callsite.library_api``).

    ``contexts`` is the recording's cache of shareable contexts (``_reuse``).
    The view is read when no line of the user's code is on the stack (``_view``):
    a ``TemplateResponse`` rendering after its view returned, or library code
    running the queries inside the view, where the view becomes the call site.
    """
    # This loop runs for every frame of every recorded statement: the caches
    # are read inline, so a frame seen before costs two look-ups by id(code).
    table = _roles.roles()
    kinds, sites = _callsite.code_kinds, _callsite.sites
    user, jinja2 = _callsite.USER, _callsite.JINJA2
    hits: list[_orm.Hit] = []
    stack: list[CallSite] = []
    awaiting: list[FrameType] | None = None  # coroutine frames, outermost first
    view: Any = None
    tried_async = False
    library_call = _callsite.NOT_API  # a library API of its own ran it, below the user's line
    f = frame
    while f is not None:
        code = f.f_code
        role = table.get(id(code))
        site: CallSite | None = None
        if role is not None:
            if role[0] == _roles.HANDLER:
                # The view's caller: what lies beyond is middleware and server.
                if not stack:  # library code ran it inside the view: name the view
                    view = _viewsite.of_handler(f)
                    site = _viewsite.site(view)
                    if site is None:
                        view = None
                    else:
                        stack.append(site)
                if stack:
                    break
            elif role[0] == _roles.VIEW and not stack and view is None:
                # A class-based view's own (library) code ran it, maybe called
                # straight from a test with RequestFactory: name the view, and
                # keep walking to its caller.
                view = _viewsite.of_dispatch(f)
                site = _viewsite.site(view)
                if site is None:
                    view = None
            if role[0] == _roles.TEMPLATE:
                site = _callsite.django_template_site(f)
            elif role[0] == _roles.RESPONSE:
                if view is None and not any(s.kind == "python" for s in stack):
                    view = _viewsite.of_response(f)
            elif role[0] == _roles.SYNC_TO_ASYNC:
                if not stack and not tried_async:
                    tried_async = True
                    awaiting = _asyncsite.awaiting_frames(f)[::-1] or None
            elif not stack:
                hits.append((role[0], role[1], f))
        else:
            known = kinds.get(id(code))
            kind = _callsite.code_kind(code, f) if known is None else known[0]
            if kind == user:
                site = sites.get((id(code), f.f_lasti)) or _callsite.python_site(f)
            elif kind == jinja2:
                site = _callsite.jinja2_site(code, f)
            elif not stack and not library_call:
                library_call = _callsite.library_api(code, f)
        # Sites are interned by the caches, so identity is equality here.
        if site is not None and (not stack or stack[-1] is not site):
            stack.append(site)
            if len(stack) > depth:
                break
        if awaiting is not None:  # in the coroutine, not the blocked caller
            if not awaiting:
                break
            f = awaiting.pop()
        else:
            f = f.f_back
    site = stack[0] if stack else None
    shared = _reuse.key(hits, sql, site) if site is not None and sql else None
    orm = contexts.get(shared) if shared is not None else None
    if orm is None:
        orm = _orm.context(hits, fingerprint, sql)
        if shared is not None and len(contexts) < _reuse.MAX_CONTEXTS:
            contexts[shared] = orm
    return site, tuple(stack), orm, view, library_call if view is None else _callsite.NOT_API
