"""Code typed at a prompt: the shell, ``python -c``, stdin, IPython and Jupyter.

Such code has no file. Its ``co_filename`` is a pseudo name (``<console>``
for ``manage.py shell``, ``<string>`` for ``python -c`` and ``shell -c``,
``<stdin>`` for ``python -``, ``<ipython-input-3-…>`` for an IPython cell) or,
in Jupyter, a file ipykernel names but never writes. These statements are the
user's, so they are call sites like any line of a file.

Their code objects are short-lived (one per statement typed), so they stay
out of ``_callsite``'s per-code-object caches: those hold every code object
they key, and would keep each statement ever typed alive. Not caching them
also means no cached ``id(code)`` can meet a later statement's code object.

The source line comes from where the prompt keeps it, else there is none (and
fixes that need the source are not written):

- ``linecache``, for names given to one input only: IPython's and Jupyter's
  cells, Python 3.13's REPL (``<python-input-N>``);
- the frame that compiled the statement: ``code.InteractiveInterpreter``'s
  ``runsource`` (``manage.py shell``'s console) keeps its ``source``;
- ``manage.py shell -c``: the command's text.

A shared name (``<console>``, ``<string>``) is never looked up in
``linecache``: whatever is cached under it came from another statement.
"""

from __future__ import annotations

import linecache
import re
from types import CodeType, FrameType

# Every statement or function typed at these prompts.
_PROMPTS = frozenset({"<console>", "<stdin>", "<input>"})
# One input each: the name alone finds its source in linecache.
_CELL_PREFIXES = ("<ipython-input-", "<python-input-")
# Jupyter: ipykernel compiles each cell as <tempdir>/ipykernel_<pid>/<hash>.py.
_JUPYTER_CELL = re.compile(r"[/\\]ipykernel_\d+[/\\][^/\\]+\.py\Z")


def is_interactive(code: CodeType) -> bool:
    """Whether ``code`` was typed at a prompt rather than read from a file."""
    name = code.co_filename
    if name in _PROMPTS or name.startswith(_CELL_PREFIXES):
        return True
    if name == "<string>":
        # python -c and exec(text) run a module; the functions dataclasses and
        # namedtuple generate share the name and are library code.
        return code.co_name == "<module>"
    return _JUPYTER_CELL.search(name) is not None


def source_line(frame: FrameType, line: int) -> str:
    """The text of ``line`` of an interactive frame, or ``""`` where none is kept."""
    code = frame.f_code
    name = code.co_filename
    if name.startswith(_CELL_PREFIXES) or _JUPYTER_CELL.search(name):
        return linecache.getline(name, line).strip()
    if code.co_name != "<module>":
        # A function typed earlier: its statement's source is gone.
        return ""
    return _line(_compiled_from(frame), line)


def _compiled_from(frame: FrameType) -> str | None:
    """The text the statement running in ``frame`` was compiled from, if a caller kept it."""
    code = frame.f_code
    caller = frame.f_back
    # runsource() compiles and calls runcode(), which execs: two frames out.
    for _ in range(2):
        if caller is None:
            return None
        local = caller.f_locals
        source = local.get("source")
        if local.get("code") is code and isinstance(source, str):
            return source
        caller = caller.f_back
    return _shell_command(frame)


def _shell_command(frame: FrameType) -> str | None:
    """``manage.py shell -c TEXT`` execs TEXT from its ``handle()``."""
    caller = frame.f_back
    if caller is None or caller.f_code.co_name != "handle":
        return None
    from django.core.management.commands import shell

    if caller.f_code is not shell.Command.handle.__code__:
        return None
    options = caller.f_locals.get("options")
    command = options.get("command") if isinstance(options, dict) else None
    # Without -c, handle() execs standard input, which is read and gone.
    return command if isinstance(command, str) and command else None


def _line(source: str | None, line: int) -> str:
    if source is None:
        return ""
    lines = source.splitlines()
    return lines[line - 1].strip() if 1 <= line <= len(lines) else ""
