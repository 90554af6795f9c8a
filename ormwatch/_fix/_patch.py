"""Findings' edits as one unified diff that ``git apply`` accepts.

Edits of one statement are merged (``_merge.merge``), and a name a fix uses
that the file neither defines nor imports (``Prefetch``, ``Exists``, a model)
is imported in the same patch, after the file's last top-level import.
"""

from __future__ import annotations

import ast
import builtins
import difflib
import os
from collections.abc import Iterable, Sequence

from ormwatch._fix._edit import Edit, dedented
from ormwatch._fix._merge import apply, merge
from ormwatch._fix._source import parsed

__all__ = ["missing_imports", "rewritten_files", "unified_diff"]

# The expressions a fix writes, and where Django keeps them.
_DJANGO_NAMES = {
    name: "django.db.models"
    for name in (
        "Count",
        "Exists",
        "F",
        "FilteredRelation",
        "Max",
        "Min",
        "OuterRef",
        "Prefetch",
        "Q",
        "Subquery",
        "Sum",
        "Value",
    )
}


def unified_diff(edits: Iterable[Edit], cwd: str | None = None) -> str:
    """A patch of every file the edits touch, paths relative to ``cwd`` (``a/``, ``b/``)."""
    cwd = cwd or os.getcwd()
    chunks: list[str] = []
    for path, (before, after) in sorted(rewritten_files(edits).items()):
        name = _relative(path, cwd)
        end = _line_end(path)  # a CRLF file's lines end in CRLF in the patch too, or git refuses it
        diff = difflib.unified_diff(
            [f"{line}{end}" for line in before],
            [f"{line}{end}" for line in after],
            f"a/{name}",
            f"b/{name}",
        )
        chunks.append("".join(diff))
    return "".join(chunks)


def rewritten_files(edits: Iterable[Edit]) -> dict[str, tuple[list[str], list[str]]]:
    """Each file the edits touch: its lines before and after (edits merged, imports added)."""
    by_path: dict[str, list[Edit]] = {}
    for edit in edits:
        by_path.setdefault(edit.path, []).append(edit)
    files: dict[str, tuple[list[str], list[str]]] = {}
    for path, file_edits in by_path.items():
        before = _lines(path)
        if before is None:
            continue
        kept = merge(file_edits, before)
        kept += _import_edits(path, before, kept)
        files[path] = (before, apply(before, merge(kept, before)))
    return files


def _line_end(path: str) -> str:
    try:
        with open(path, "rb") as file:
            first = file.readline()
    except OSError:
        return "\n"
    return "\r\n" if first.endswith(b"\r\n") else "\n"


def _lines(path: str) -> list[str] | None:
    try:
        with open(path, encoding="utf-8") as file:
            return file.read().splitlines()
    except (OSError, UnicodeDecodeError):
        return None


def _relative(path: str, cwd: str) -> str:
    rel = os.path.relpath(path, cwd)
    return path if rel.startswith("..") else rel.replace(os.sep, "/")


def _import_edits(path: str, lines: Sequence[str], edits: Sequence[Edit]) -> list[Edit]:
    needed = missing_imports(path, "\n".join(lines), [e.text for e in edits])
    if not needed:
        return []
    tree = parsed("\n".join(lines))
    if tree is None:
        return []
    after = _last_import_line(tree)
    modules: dict[str, list[str]] = {}
    for name, module in sorted(needed.items()):
        modules.setdefault(module, []).append(name)
    statements = [f"from {m} import {', '.join(names)}" for m, names in sorted(modules.items())]
    if after == 0:
        return []  # no import to stand beside: leave the file's head alone
    anchor = lines[after - 1]
    if any(e.start_line <= after <= e.end_line for e in edits):
        return []
    return [Edit(path, after, after, "\n".join([anchor, *statements]))]


def missing_imports(path: str, source: str, texts: Iterable[str]) -> dict[str, str]:
    """Names the texts use that the module lacks, with the module to import each from."""
    tree = parsed(source)
    if tree is None:
        return {}
    bound = _module_names(tree) | set(dir(builtins))
    used: set[str] = set()
    for text in texts:
        fix = parsed(_dedent(text))
        if fix is None:
            continue
        used |= {
            n.id for n in ast.walk(fix) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)
        }
    needed: dict[str, str] = {}
    for name in sorted(used - bound):
        module = _DJANGO_NAMES.get(name) or _model_module(name)
        if module is not None:
            needed[name] = module
    return needed


def _module_names(tree: ast.Module) -> set[str]:
    """Every name bound anywhere in the module (imports, definitions, assignments, arguments)."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names |= {(a.asname or a.name).split(".")[0] for a in node.names}
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
    return names


def _model_module(name: str) -> str | None:
    from django.apps import apps

    if not apps.ready:
        return None
    found = {
        m.__module__ for m in apps.get_models(include_auto_created=False) if m.__name__ == name
    }
    return found.pop() if len(found) == 1 else None


def _last_import_line(tree: ast.Module) -> int:
    last = 0
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            last = node.end_lineno or node.lineno
        elif last:
            break
    return last


def _dedent(text: str) -> str:
    body = dedented(text)
    # A compound statement's header alone does not parse: give it a body.
    return body + "\n    pass" if body.rstrip().endswith(":") else body
