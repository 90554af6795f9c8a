"""Where a statement came from: a line of user code or of a template."""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from typing import Any


@functools.lru_cache(maxsize=1024)
def _short_path(path: str, cwd: str) -> str:
    # Cached: a report names the same few sites thousands of times.
    try:
        rel = os.path.relpath(path, cwd)
    except ValueError:  # another drive on Windows
        return path
    return path if rel.startswith("..") else rel


@dataclass(frozen=True, slots=True)
class CallSite:
    """A line of user code, or of a template, that ran queries.

    ``kind`` is ``"python"``, ``"template"`` (Django templates) or ``"jinja2"``.
    ``code`` is the source line, read once per distinct site.
    """

    path: str
    line: int
    function: str
    code: str
    kind: str = "python"

    @property
    def short_path(self) -> str:
        """The path relative to the working directory when it lies below it."""
        return _short_path(self.path, os.getcwd())

    def __str__(self) -> str:
        return f"{self.short_path}:{self.line} {self.function}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "line": self.line,
            "function": self.function,
            "code": self.code,
            "kind": self.kind,
        }
