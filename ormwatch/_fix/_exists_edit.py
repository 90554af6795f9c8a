"""``Exists()`` written where the user wrote the filter across a multi-valued relation.

The statement that ran is rarely the one that wrote the filter: the callers
find it with ``_behind.statements_behind``, and ``rewrite`` turns each keyword
across the relation into an ``Exists()`` of the related model with the user's own lookups and
values, keeping every other argument as written:

- ``filter(post__title__contains="quis", name="x")`` becomes
  ``filter(Exists(Post.objects.filter(category=OuterRef("pk"), title__contains="quis")), name="x")``
  (the keywords of one ``filter()`` call name one related row, as in ``Exists``);
- ``exclude(post__title__contains="quis")`` becomes ``filter(~Exists(...))``;
  ``exclude()`` with several keywords does not tie them to one related row
  (Django writes NOT EXISTS per keyword, under one NOT), so it becomes
  ``exclude(Exists(...), Exists(...))``, one ``Exists`` per keyword;
- ``Q(banning=user)`` becomes ``Exists(Ban.objects.filter(...))`` and
  ``~Q(post__x=1)`` becomes ``~Exists(...)``.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence

from ormwatch._fix import _chain, _edit, _exists, _source


def rewrite(
    code: _source.Code, model: str, paths: Sequence[str], negated: bool
) -> _edit.Edit | None:
    """The statement with every filter across ``paths`` as an ``Exists()`` (``~Exists()``
    for ``negated``: the ``exclude()`` / ``~Q()`` forms), or None if one cannot be written."""
    found = spans(code, model, paths, negated)
    return _edit.rewrite_spans(code, found) if found else None


def spans(
    code: _source.Code, model: str, paths: Sequence[str], negated: bool
) -> list[_edit.Span] | None:
    """The replacements ``rewrite`` makes: None when one filter cannot be moved."""
    found: list[_edit.Span] = []
    name = model.rsplit(".", 1)[-1]
    for root in _source.header(code):
        for node in ast.walk(root):
            if not isinstance(node, ast.Call) or other_model(code, node, name):
                continue
            span = _q(code, node, model, paths, negated) if _exists.q_call(node) else None
            if span is None and isinstance(node.func, ast.Attribute):
                span = _method(code, node, model, paths, negated)
            if span == "refuse":
                return None
            if isinstance(span, tuple):
                found.append(span)
            elif isinstance(span, list):
                found += span
    return found


Result = _edit.Span | list[_edit.Span] | str | None


def other_model(code: _source.Code, call: ast.Call, name: str) -> bool:
    """The call filters a queryset written from another model (``Tag.objects.filter()``):
    its keywords are relative to that model, not to the finding's."""
    if _exists.q_call(call):
        parent = code.parents.get(call)
        while isinstance(parent, (ast.BinOp, ast.UnaryOp)):
            parent = code.parents.get(parent)
        if not isinstance(parent, ast.Call):
            return False
        call = parent
    chain = _chain.take_apart(code, call)
    if chain is None or not chain.links or chain.links[0].name != "objects":
        return False  # a variable's queryset, or a related manager: judged by its path
    return chain.root != name


def _on(keyword: ast.keyword, paths: Sequence[str]) -> tuple[str, str] | None:
    """(path, lookup relative to the related model) if the keyword filters across a path."""
    for path in paths:
        lookup = _exists.on_relation(keyword.arg or "", path)
        if lookup is not None:
            return path, lookup
    return None


def _exists_text(
    code: _source.Code, model: str, keywords: list[ast.keyword], paths: Sequence[str]
) -> list[str] | None:
    """One ``Exists(...)`` per path, in the keywords' order."""
    grouped: dict[str, list[tuple[str, str]]] = {}
    for keyword in keywords:
        on = _on(keyword, paths)
        value = _source.text(code, keyword.value)
        if on is None or value is None:
            return None
        grouped.setdefault(on[0], []).append((on[1], value))
    texts = [_exists.exists_for(model, path, lookups) for path, lookups in grouped.items()]
    return None if any(t is None for t in texts) else [t for t in texts if t is not None]


def _q(
    code: _source.Code, call: ast.Call, model: str, paths: Sequence[str], negated: bool
) -> Result:
    mine = [k for k in call.keywords if _on(k, paths)]
    if not mine:
        return None
    if call.args or len(mine) != len(call.keywords):
        return "refuse"  # Q(post__x=1, name="y"): one condition the Exists would split
    parent = code.parents.get(call)
    under_not = isinstance(parent, ast.UnaryOp) and isinstance(parent.op, ast.Invert)
    if under_not != negated or (negated and len(mine) != 1) or not _in_filter(code, call):
        return "refuse"
    texts = _exists_text(code, model, mine, paths)
    if texts is None or len(texts) != 1:
        return "refuse"
    node = parent if under_not and isinstance(parent, ast.UnaryOp) else call
    return span(node, f"~{texts[0]}" if negated else texts[0])


def _in_filter(code: _source.Code, node: ast.expr) -> bool:
    """``node`` is (part of an ``|`` / ``&`` / ``~`` of) a positional argument of ``filter()``:
    not a Q given to an aggregate's ``filter=`` or to ``exclude()``."""
    parent = code.parents.get(node)
    while isinstance(parent, (ast.BinOp, ast.UnaryOp)):
        node, parent = parent, code.parents.get(parent)
    return (
        isinstance(parent, ast.Call)
        and node in parent.args
        and isinstance(parent.func, ast.Attribute)
        and parent.func.attr in ("filter", "get")
    )


def _method(
    code: _source.Code, call: ast.Call, model: str, paths: Sequence[str], negated: bool
) -> Result:
    assert isinstance(call.func, ast.Attribute)
    name = call.func.attr
    mine = [k for k in call.keywords if _on(k, paths)]
    if not mine:
        return None
    if any(k.arg is None for k in call.keywords):
        return "refuse"  # **lookups may cross the relation too, out of sight
    if name == "exclude" and negated:
        if len(mine) != len(call.keywords) or call.args:
            return "refuse"
        # Django tests each keyword in a NOT EXISTS of its own: NOT (EXISTS(a) AND EXISTS(b)).
        each = [_exists_text(code, model, [k], paths) for k in mine]
        one = [t[0] for t in each if t is not None and len(t) == 1]
        if len(one) != len(mine):
            return "refuse"
        if len(one) == 1:
            return _after(call.func.value, call, f".filter(~{one[0]})")
        return _after(call.func.value, call, f".exclude({', '.join(one)})")
    if name not in ("filter", "get") or negated:
        return "refuse"
    texts = _exists_text(code, model, mine, paths)
    if texts is None:
        return "refuse"
    return _moved(call, mine, ", ".join(texts))


def _moved(call: ast.Call, mine: list[ast.keyword], exists: str) -> list[_edit.Span]:
    """Spans that put ``exists`` before the call's first keyword and remove ``mine``,
    keeping the other arguments and their line breaks as written."""
    keywords = call.keywords
    if len(mine) == len(keywords):
        return [(_start(keywords[0]), _end(keywords[-1]), exists)]
    found: list[_edit.Span] = [(_start(keywords[0]), _start(keywords[0]), f"{exists}, ")]
    index = 0
    while index < len(keywords):
        if keywords[index] not in mine:
            index += 1
            continue
        last = index
        while last + 1 < len(keywords) and keywords[last + 1] in mine:
            last += 1
        if last + 1 < len(keywords):  # the run and the comma after it
            found.append((_start(keywords[index]), _start(keywords[last + 1]), ""))
        else:  # the comma before the run, and the run
            found.append((_end(keywords[index - 1]), _end(keywords[last]), ""))
        index = last + 1
    return found


def _start(node: ast.keyword) -> _edit.Position:
    return (node.lineno, node.col_offset)


def _end(node: ast.keyword) -> _edit.Position:
    return (node.end_lineno or node.lineno, node.end_col_offset or 0)


def span(node: ast.expr, text: str) -> _edit.Span:
    return (
        (node.lineno, node.col_offset),
        (node.end_lineno or node.lineno, node.end_col_offset or 0),
        text,
    )


def _after(before: ast.expr, call: ast.Call, text: str) -> _edit.Span:
    """Replace what follows ``before`` up to the end of ``call`` (``.exclude(...)``)."""
    return (
        (before.end_lineno or before.lineno, before.end_col_offset or 0),
        (call.end_lineno or call.lineno, call.end_col_offset or 0),
        text,
    )
