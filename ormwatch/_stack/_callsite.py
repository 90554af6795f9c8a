"""Which frames are the user's, and the CallSite each one stands for.

Both answers are cached per code object (and per instruction offset), so a
site seen before costs dictionary look-ups: no source is read, no line number
is computed and no traceback is built per query. Keys use ``id(code)``
(hashing a code object is slow, see ``_roles``); ``code_kinds`` holds each
code object it has seen, so no id is reused while the caches live. They are
cleared when the ``ORMWATCH`` setting changes. Code typed at a prompt is
never cached (``_interactive``): one code object per statement would pile up.
"""

from __future__ import annotations

import linecache
import os
import site
import sys
import sysconfig
from types import CodeType, FrameType
from typing import Any

from ormwatch._query import CallSite
from ormwatch._stack import _interactive

LIBRARY, USER, JINJA2 = 0, 1, 2

# Read inline by ormwatch._stack.read, the hot loop.
code_kinds: dict[int, tuple[int, CodeType]] = {}  # id(code) -> (kind, code)
sites: dict[tuple[Any, int], CallSite] = {}  # (id(code), f_lasti) -> site
_by_line: dict[CallSite, CallSite] = {}
_library_templates: dict[str, bool] = {}  # template path -> whether a package ships it
_prefixes: tuple[tuple[str, ...], tuple[str, ...]] | None = None


def clear_caches() -> None:
    global _prefixes
    code_kinds.clear()
    sites.clear()
    _by_line.clear()
    _library_templates.clear()
    _callers.clear()
    _prefixes = None


def forget_file(path: str) -> None:
    """Drop the sites and source lines read from ``path``.

    runserver reloads an edited template without restarting the process, so a
    site cached by template line would keep the old line's text.
    """
    real = os.path.realpath(path)
    # Not checkcache(): an edit within the file system's timestamp granularity
    # that keeps the size (<td> to <li>) would pass its size and mtime test.
    linecache.cache.pop(path, None)
    linecache.cache.pop(real, None)

    def stale(site_: CallSite) -> bool:
        return site_.path in (path, real) or os.path.realpath(site_.path) == real

    for key in [key for key, site_ in sites.items() if stale(site_)]:
        del sites[key]
    for site_ in [site_ for site_ in _by_line if stale(site_)]:
        del _by_line[site_]


def _with_sep(path: str) -> str:
    path = os.path.realpath(path)
    # A folder matches what lies inside it only; a file matches itself.
    if os.path.isfile(path) or path.endswith(os.sep):
        return path
    return path + os.sep


def _library_prefixes() -> tuple[tuple[str, ...], tuple[str, ...]]:
    global _prefixes
    if _prefixes is None:
        from ormwatch import _conf

        conf = _conf.get()
        paths = set(site.getsitepackages())
        if site.ENABLE_USER_SITE and site.getusersitepackages():
            paths.add(site.getusersitepackages())
        # "scripts": console scripts (pytest, gunicorn, uvicorn) are not user code.
        for key in ("stdlib", "platstdlib", "purelib", "platlib", "scripts"):
            if key in sysconfig.get_paths():
                paths.add(sysconfig.get_paths()[key])
        # Django and ormwatch may be editable checkouts outside site-packages.
        import django

        paths.add(os.path.dirname(django.__file__))
        paths.add(os.path.dirname(os.path.dirname(__file__)))
        paths.update(conf.library_paths)
        library = tuple(sorted({_with_sep(p) for p in paths}))
        user = tuple(sorted({_with_sep(p) for p in conf.user_paths}))
        _prefixes = (library, user)
    return _prefixes


def code_kind(code: CodeType, frame: FrameType) -> int:
    """LIBRARY, USER or JINJA2 (a compiled Jinja2 template) for ``code``."""
    known = code_kinds.get(id(code))
    if known is None:
        if _interactive.is_interactive(code):
            return USER
        known = (_classify(code, frame), code)
        code_kinds[id(code)] = known
    return known[0]


def _classify(code: CodeType, frame: FrameType) -> int:
    placed = _placed(code.co_filename)
    if placed is not None:
        return placed
    # Jinja2 compiles templates to Python code whose filename is the template.
    return JINJA2 if "__jinja_template__" in frame.f_globals else USER


def is_user_file(filename: str) -> bool:
    """Whether a Python file is the user's code, by the same rules as frames."""
    return _placed(filename) != LIBRARY


def _placed(filename: str) -> int | None:
    """USER or LIBRARY by the path prefixes, None for a file neither claims."""
    if not filename or filename.startswith("<"):
        return LIBRARY
    library, user = _library_prefixes()
    path = os.path.realpath(filename)
    if path.startswith(user):
        return USER
    return LIBRARY if path.startswith(library) else None


def is_library_template(path: str) -> bool:
    """Whether a template file ships with an installed package (Django's admin, an app).

    Such a template is library code like the package's Python: the walk goes
    on to the user's frame. A template from a string (``<unknown source>``)
    is the user's.
    """
    found = _library_templates.get(path)
    if found is None:
        found = not path.startswith("<") and _placed(path) == LIBRARY
        _library_templates[path] = found
    return found


# id(code) -> (verdict, code) for the frame that called a QuerySet method:
# _ORM (Django's ORM itself, a manager's proxy: look further out), _ASKED
# (the user's code or a template engine asked for the rows) or _LIBRARY.
_ORM, _ASKED, _LIBRARY = 0, 1, 2
_callers: dict[int, tuple[int, CodeType]] = {}
_engine_dirs: tuple[str, ...] | None = None


def library_caller(frame: FrameType) -> bool:
    """Whether library code (not a template engine) called the QuerySet method of ``frame``.

    ``{% for p in posts %}`` and ``{{ c.post.count }}`` are the template
    asking, through Django's or Jinja2's engine; ``ModelBackend`` reading the
    permissions it built is library code.
    """
    f = frame.f_back
    for _ in range(12):
        if f is None:
            return False
        code = f.f_code
        known = _callers.get(id(code))
        if known is None:
            known = (_caller_verdict(code, f), code)
            _callers[id(code)] = known
        if known[0] != _ORM:
            return known[0] == _LIBRARY
        f = f.f_back
    return False


def _caller_verdict(code: CodeType, frame: FrameType) -> int:
    global _engine_dirs
    if code_kind(code, frame) != LIBRARY:
        return _ASKED
    if _engine_dirs is None:
        import django

        base = os.path.dirname(os.path.realpath(django.__file__))
        dirs = [os.path.join(base, "db") + os.sep]
        engines = [os.path.join(base, "template") + os.sep]
        engines.append(os.path.join(base, "templatetags") + os.sep)
        try:
            import jinja2

            engines.append(os.path.dirname(os.path.realpath(jinja2.__file__)) + os.sep)
        except ImportError:
            pass
        _engine_dirs = (*dirs, *engines)
    path = os.path.realpath(code.co_filename)
    if path.startswith(_engine_dirs[0]):
        return _ORM
    return _ASKED if path.startswith(_engine_dirs[1:]) else _LIBRARY


def python_site(frame: FrameType) -> CallSite:
    """The site of a user frame; ``code_kind`` has seen its code (the key needs it alive)."""
    code = frame.f_code
    key = (id(code), frame.f_lasti)
    site_ = sites.get(key)
    if site_ is None:
        line = frame.f_lineno
        function = getattr(code, "co_qualname", code.co_name)
        if function.startswith("<") and function != "<module>" and frame.f_back is not None:
            # Python 3.10 has no co_qualname: name a comprehension by its function.
            function = f"{frame.f_back.f_code.co_name}.{function}"
        if _interactive.is_interactive(code):
            # Not cached: the key's code object is not held (see _interactive).
            source = _interactive.source_line(frame, line)
            return _interned(CallSite(code.co_filename, line, function, source, "python"))
        source = linecache.getline(code.co_filename, line).strip()
        site_ = _interned(CallSite(code.co_filename, line, function, source, "python"))
        sites[key] = site_
    return site_


def _interned(site_: CallSite) -> CallSite:
    # Offsets on one line share one site object: the walk compares by identity.
    return _by_line.setdefault(site_, site_)


def jinja2_site(code: CodeType, frame: FrameType) -> CallSite | None:
    key = (id(code), -1 - frame.f_lasti)
    site_ = sites.get(key)
    if site_ is None:
        template = frame.f_globals.get("__jinja_template__")
        if template is None:
            return None
        path = template.filename or code.co_filename
        if is_library_template(path):
            return None
        line = template.get_corresponding_lineno(frame.f_lineno)
        name = template.name or os.path.basename(path)
        source = linecache.getline(path, line).strip()
        site_ = _interned(CallSite(path, line, name, source, "jinja2"))
        sites[key] = site_
    return site_


def django_template_site(frame: FrameType) -> CallSite | None:
    """The template line of a ``Node.render_annotated`` frame."""
    node = frame.f_locals.get("self")
    token = getattr(node, "token", None)
    origin = getattr(node, "origin", None)
    if token is None or origin is None:
        return None
    path = str(origin.name)
    if is_library_template(path):
        return None
    line = int(token.lineno)
    # Templates from strings share one fake path: tell their nodes apart by text.
    key: tuple[Any, int] = ((path, token.contents) if path.startswith("<") else path, line)
    site_ = sites.get(key)
    if site_ is None:
        name = origin.template_name or os.path.basename(path)
        source = linecache.getline(path, line).strip() or str(token.contents)
        site_ = CallSite(path, line, str(name), source, "template")
        sites[key] = site_
    return site_


# Library code between a statement and the user's line that is the ORM's own
# path, a template engine's or a view framework's: the user asked for the rows
# there. Any other library frame is an API of its own (library_api).
_PATH_PREFIXES = (
    "django.db.models",
    "django.db.backends",
    "django.db.utils",
    "django.db.transaction",
    "django.template",
    "django.templatetags",
    "django.views",
    "django.core.handlers",
    "django.core.paginator",
    "django.shortcuts",
    "django.utils",
    "django.forms",
    "django.http",
    "django.dispatch",
    "django.contrib.admin",
    "django.contrib.contenttypes",
    "jinja2",
    "asgiref",
    "ormwatch",
    "debug_toolbar",
    "rest_framework",
)
# Django's schema machinery (commands, migrations, the apps' post_migrate
# handlers in their management modules): what a migrate or flush repeats is
# never the user's to reuse, even when the user's own loop runs it per app.
_MACHINERY_PREFIXES = ("django.core.management", "django.db.migrations")
NOT_API, API, MACHINERY = 0, 1, 2
_api: dict[int, tuple[int, CodeType]] = {}


def library_api(code: CodeType, frame: FrameType) -> int:
    """Whether a library frame below the user's line is an API of its own.

    ``super().handle()`` in a ``migrate`` command, a data importer's
    ``import_data()``, a tagging library's manager: the user's line called it
    once, and the queries it repeats inside are its own. The ORM, template
    engines and view frameworks (DRF included: its serializers read what the
    view's queryset loaded) are the user's asking, and the standard library
    is neither (NOT_API). Django's migrations and management commands are
    MACHINERY.
    """
    known = _api.get(id(code))
    if known is None:
        module = str(frame.f_globals.get("__name__", ""))
        top = module.split(".", 1)[0]
        own = not module.startswith(_PATH_PREFIXES) and top not in _STDLIB
        machinery = module.startswith(_MACHINERY_PREFIXES) or (
            top == "django" and ".management" in module  # post_migrate handlers
        )
        verdict = MACHINERY if machinery else API if own else NOT_API
        known = (verdict, code)
        if len(_api) < 4096:
            _api[id(code)] = known
    return known[0]


_STDLIB = frozenset(getattr(sys, "stdlib_module_names", ())) | {"__main__", "builtins"}
