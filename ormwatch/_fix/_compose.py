"""Fix code for eager loading, checked against the models' ``_meta``.

A fix never names a field that does not exist: every path is resolved segment
by segment before it is written out. Where the origin line builds the
queryset (``Post.objects...``), the fix is that line with the call spliced in.
"""

from __future__ import annotations

import ast
import linecache
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ormwatch._fix import _chain, _edit, _source
from ormwatch._introspect import _relations
from ormwatch._query import CallSite
from ormwatch._stack import _viewsite

_SINGLE = frozenset({"forward_fk", "forward_o2o", "reverse_o2o"})


@dataclass(frozen=True)
class EagerFix:
    code: str
    select_related: tuple[str, ...]
    prefetch_related: tuple[str, ...]
    extra_queries: int  # queries the fix itself costs (one per prefetch level)
    edit: _edit.Edit | None = None


def model_class(label: str | None) -> Any:
    if not label:
        return None
    from django.apps import apps

    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def resolve(model: Any, path: str) -> list[str] | None:
    """The relation kind of each segment of ``path`` from ``model``, or None if invalid."""
    kinds: list[str] = []
    for segment in path.split("__"):
        field = _relations.find(model, segment) if model is not None else None
        if field is None or not getattr(field, "is_relation", False):
            return None
        kinds.append(_relations.relation_kind(field))
        model = field.related_model if isinstance(field.related_model, type) else None
    return kinds


def eager(root_label: str, paths: list[str], origin: CallSite | None) -> EagerFix | None:
    model = model_class(root_label)
    selects: list[str] = []
    prefetches: list[str] = []
    extra = 0
    for path in paths:
        kinds = resolve(model, path)
        if kinds is None:
            return None
        segments = path.split("__")
        single = 0
        while single < len(kinds) and kinds[single] in _SINGLE:
            single += 1
        if single:
            selects.append("__".join(segments[:single]))
        if single < len(kinds):
            prefetches.append(path)
            extra += len(kinds) - single
    selects = [p for p in selects if not any(o.startswith(p + "__") for o in selects)]
    name = root_label.rsplit(".", 1)[-1]
    anchor = f"{name}.objects"
    wanted = {"select_related": list(dict.fromkeys(selects)), "prefetch_related": prefetches}
    written = _extended(origin, name, wanted)
    if written is None:
        calls = "".join(f".{method}({quoted(paths)})" for method, paths in wanted.items() if paths)
        written = _model_line(origin, name, calls) or _edit.Rewritten(
            splice(origin, anchor, calls) or f"{anchor}{calls}", None
        )
    return EagerFix(
        code=written.code,
        select_related=tuple(dict.fromkeys(selects)),
        prefetch_related=tuple(prefetches),
        extra_queries=extra,
        edit=written.edit,
    )


def _model_line(origin: CallSite | None, name: str, calls: str) -> _edit.Rewritten | None:
    """A class-based view's ``model = Post`` line, become ``queryset = Post.objects...``."""
    if origin is None or origin.kind != "python":
        return None
    stripped = _source.without_comment(origin.code)
    if not re.fullmatch(rf"model\s*=\s*{re.escape(name)}", stripped):
        return None
    code = f"queryset = {name}.objects{calls}"
    found = _source.code_at(origin)
    if found is None or not isinstance(found.statement, ast.Assign):
        return _edit.Rewritten(code, None)
    return _edit.Rewritten(code, _edit.rewrite_statement(found, [(found.statement, code)]))


def _extended(
    origin: CallSite | None, name: str, wanted: dict[str, list[str]]
) -> _edit.Rewritten | None:
    """The origin's statement with ``wanted`` paths added to its chain.

    A call of plain strings the chain already has is extended: a longer path
    loads its prefix too, so ``"category__blog"`` replaces ``"category"``.
    The calls it lacks go right after ``objects``.
    """
    chain = _chain.queryset_at(origin, name)
    if chain is None:
        return None
    added: list[_chain.Link] = []
    for method, paths in wanted.items():
        if not paths:
            continue
        calls = chain.calls(method)
        args = (calls[0].args or []) if len(calls) == 1 else []
        values = [_source.literal(v) if k is None else None for k, v in args]
        given = [p for p in values if isinstance(p, str)]
        # select_related() with no names follows every key: leave it be.
        if given and len(given) == len(values):
            kept = [p for p in given if not any(n.startswith(f"{p}__") for n in paths)]
            calls[0].args = [(None, quoted([*kept, *paths]))]
        else:
            added.append(_chain.Link(method, [(None, quoted(paths))]))
    if origin is None or not chain.links or chain.links[0].name != "objects":
        return None
    chain.links[1:1] = added
    return _edit.Rewritten(chain.in_line(origin.line), chain.edit())


def quoted(paths: Iterable[str]) -> str:
    """``"a", "b"``: lookup paths as the arguments of a call, each once."""
    return ", ".join(f'"{p}"' for p in dict.fromkeys(paths))


def splice(origin: CallSite | None, anchor: str, calls: str) -> str | None:
    """The origin's own line with ``calls`` inserted after ``anchor``, if it has one.

    A class-based view's ``model = Post`` becomes ``queryset = Post.objects...``.
    """
    if origin is None or origin.kind != "python":
        return None
    if anchor not in origin.code:
        model = anchor.removesuffix(".objects")
        if re.fullmatch(rf"model\s*=\s*{re.escape(model)}", _source.without_comment(origin.code)):
            return f"queryset = {anchor}{calls}"
        return None
    return _source.without_comment(origin.code).replace(anchor, anchor + calls, 1)


def deferred(
    root_label: str,
    field: str,
    only: tuple[str, ...],
    defer: tuple[str, ...],
    origin: CallSite | None,
) -> _edit.Rewritten:
    """Load ``field`` with the rows: add it to ``only()``, or take it out of ``defer()``."""
    name = root_label.rsplit(".", 1)[-1]
    method = "only" if only else "defer"
    fields = [*only, field] if only else [f for f in defer if f != field]
    call = f".{method}({quoted(fields)})" if fields else ""
    chain = _chain.queryset_at(origin, name)
    links = chain.calls(method) if chain is not None else []
    if chain is not None and origin is not None and links:
        if fields:
            links[-1].args = [(None, f'"{f}"') for f in dict.fromkeys(fields)]
        else:  # the only deferred field: the call goes (a bare manager gets .all())
            chain.links = [link for link in chain.links if link is not links[-1]]
        return _edit.Rewritten(chain.in_line(origin.line), chain.edit())
    return _edit.Rewritten(f"{name}.objects{call}.all()", None)


def builder_line(origin: CallSite | None, model_name: str, reach: int = 40) -> CallSite | None:
    """The line above ``origin``, in the same function, that builds ``Model.objects...``.

    A template loop's origin is the view's ``render(...)`` line; the queryset
    to change is usually built a few lines up (``posts = Post.objects...``).
    """
    if origin is None or origin.kind != "python":
        return None
    anchor = f"{model_name}.objects"
    if anchor in origin.code:
        return origin
    if origin.code.startswith(_viewsite.DEFINITIONS):
        return None  # a view as the call site: the lines above are another definition
    for line in range(origin.line - 1, max(origin.line - reach, 0), -1):
        text = linecache.getline(origin.path, line)
        stripped = text.strip()
        if anchor in stripped:
            return CallSite(origin.path, line, origin.function, stripped, "python")
        if stripped.startswith(("def ", "async def ", "class ")):
            break
    return None
