"""Requests the middleware leaves alone: ``EXCLUDE_PATHS``, by default the toolbar's own URLs.

Every click in django-debug-toolbar is a request to its own views
(``render_panel``, the history sidebar): recording and logging them added a
"0 queries, no findings" line per click. The toolbar runs no panel on those
requests itself; the middleware now skips them too.
"""

from __future__ import annotations

from ormwatch import _conf, _failsafe

# Where the toolbar's URLs are when they cannot be looked up (its documented prefix).
TOOLBAR_PREFIX = "/__debug__/"

# The toolbar's prefix, found once per URL resolver: Django builds a new
# resolver when ROOT_URLCONF changes (override_settings included).
_cache: tuple[object, tuple[str, ...]] | None = None


def excluded(path_info: str, settings: _conf.Settings) -> bool:
    """Is a request for ``path_info`` (the path the URLconf sees) left unrecorded?"""
    prefixes = settings.exclude_paths
    if prefixes is None:
        prefixes = toolbar_paths()
    return bool(prefixes) and path_info.startswith(prefixes)


def toolbar_paths() -> tuple[str, ...]:
    """The prefix the URLconf mounts django-debug-toolbar at, else ``/__debug__/``."""
    global _cache
    from django.urls import get_resolver, get_urlconf

    resolver = get_resolver(get_urlconf())
    cached = _cache
    if cached is not None and cached[0] is resolver:
        return cached[1]
    try:
        paths = (_toolbar_prefix(),)
    except Exception as exc:  # fail-open: a URLconf that does not load is the request's to report
        _failsafe.swallow("finding django-debug-toolbar's URLs", exc)
        return (TOOLBAR_PREFIX,)
    _cache = (resolver, paths)
    return paths


def _toolbar_prefix() -> str:
    from django.urls import NoReverseMatch, get_script_prefix, reverse

    # "djdt" is the toolbar's URL namespace and render_panel its one global view,
    # the URL the toolbar itself reverses on every page it shows.
    try:
        url = reverse("djdt:render_panel")
    except NoReverseMatch:  # the toolbar is not installed, or not in this URLconf
        return TOOLBAR_PREFIX
    url = "/" + url.removeprefix(get_script_prefix())
    head, found, _ = url.rpartition("render_panel/")
    return head if found and head else TOOLBAR_PREFIX
