"""A queryset split in two by one condition, written as one annotated query split in Python.

``with_x = base.filter(post__title__contains="x")`` and
``without_x = base.exclude(post__title__contains="x")`` run two statements
over the same rows (the first joins, so it repeats them). The fix annotates
the base once with the condition as an ``Exists()`` and splits its rows:
``with_x = [c for c in base if c.has_post_title_x]`` and
``without_x = [c for c in base if not c.has_post_title_x]``; the base's
result cache serves both halves, in the base's order, each row once.

It is written only when that is provably the same answer: the base and both
halves are assigned once in one block of the function, the halves filter
and exclude the base by one keyword written the same way (no call in its
value), nothing between the base and the first read of a half assigns or
calls anything, the halves are afterwards only iterated (``for``,
comprehensions, ``list()``, ``len()``, ...), the base is read only by the
halves, its chain is a plain queryset (no ``values()``), and the annotation's
name clashes with nothing. Else there is no partition (the ``Exists()``
rewrites stand).
"""

from __future__ import annotations

import ast
import re

from django.db.models import Field

from ormwatch._fix import _behind, _chain, _compose, _edit, _exists, _source
from ormwatch._query import CallSite

# Calls that read an iterable once and keep no queryset behaviour.
_ITERATING = frozenset({"list", "tuple", "sorted", "set", "len"})
# Methods a base may be built with: each returns a queryset of model instances.
_BASE_METHODS = frozenset(
    [
        "all",
        "alias",
        "annotate",
        "defer",
        "distinct",
        "exclude",
        "filter",
        "only",
        "order_by",
        "prefetch_related",
        "reverse",
        "select_related",
        "using",
    ]
)
_WORD = re.compile(r"[a-z][a-z0-9_]{0,19}")

Split = tuple[CallSite, tuple[_edit.Edit, ...], str]


def split(site: CallSite | None, origin: CallSite | None, model: str, path: str) -> Split | None:
    """(origin, the three statements' edits, the base's name), or None when not provable."""
    near = site or origin
    if near is None:
        return None
    for code in _behind.statements_behind(site) + _behind.statements_behind(origin):
        found = _split(code, model, path)
        if found is not None:
            edits, base = found
            return _behind.site_of(code, near), edits, base
    return None


def note(base: str, outer: str) -> str:
    """What the partition changes, for the findings' messages."""
    return (
        f"the fix annotates {base} once with the condition and splits its rows in Python: one "
        f"query for both halves, in {base}'s order, each {outer} once (the join repeated them)"
    )


def _half(statement: ast.stmt, path: str) -> tuple[str, str, str, ast.keyword] | None:
    """(name, base name, method, keyword) of ``name = base.filter|exclude(<kw across path>)``."""
    if not isinstance(statement, ast.Assign) or len(statement.targets) != 1:
        return None
    target, call = statement.targets[0], statement.value
    if not isinstance(target, ast.Name) or not isinstance(call, ast.Call) or call.args:
        return None
    func = call.func
    if not isinstance(func, ast.Attribute) or func.attr not in ("filter", "exclude"):
        return None
    if not isinstance(func.value, ast.Name) or len(call.keywords) != 1:
        return None
    keyword = call.keywords[0]
    if keyword.arg is None or _exists.on_relation(keyword.arg, path) is None:
        return None
    if keyword.arg.endswith("__isnull"):
        return None  # "no related row" is not an Exists() of a related row
    if any(isinstance(n, (ast.Call, ast.NamedExpr)) for n in ast.walk(keyword.value)):
        return None  # evaluated twice in the original: a call may answer differently
    return target.id, func.value.id, func.attr, keyword


def _split(code: _source.Code, model: str, path: str) -> tuple[tuple[_edit.Edit, ...], str] | None:
    one = _half(code.statement, path)
    if one is None:
        return None
    name, base, method, keyword = one
    block = _block(code, code.statement)
    other = [
        (s, h)
        for s in block
        if (h := _half(s, path)) is not None
        and h[1] == base
        and h[2] != method
        and ast.dump(h[3]) == ast.dump(keyword)
    ]
    if len(other) != 1:
        return None
    halves = {method: (code.statement, name), other[0][1][2]: (other[0][0], other[0][1][0])}
    first = min(halves.values(), key=lambda h: h[0].lineno)[0]
    base_statement = _behind.assignment(code, base, first.lineno)
    if not isinstance(base_statement, ast.Assign) or base_statement not in block:
        return None
    names = [n for _, n in halves.values()]
    if len(set(names)) != 2 or base in names or not all(_assigned_once(code, n) for n in names):
        return None
    if len(code.loads(base)) != 2 or not _plain_base(code, base_statement.value):
        return None
    if not _quiet_until_read(code, block, base_statement, halves, names):
        return None
    annotation = _annotation(code, model, keyword)
    lookup = _exists.on_relation(keyword.arg or "", path)
    value = _source.text(code, keyword.value)
    if annotation is None or lookup is None or value is None:
        return None
    exists = _exists.exists_for(model, path, [(lookup, value)])
    if exists is None:
        return None
    row = _row_name(model, {base, annotation})
    texts = {
        "filter": f"[{row} for {row} in {base} if {row}.{annotation}]",
        "exclude": f"[{row} for {row} in {base} if not {row}.{annotation}]",
    }
    end = _end(base_statement.value)
    edits = [
        _edit.rewrite_spans(
            _behind.at(code, base_statement), [(end, end, f".annotate({annotation}={exists})")]
        )
    ]
    for kind, (statement, _) in sorted(halves.items(), key=lambda h: h[1][0].lineno):
        assert isinstance(statement, ast.Assign)
        node = statement.value
        span = ((node.lineno, node.col_offset), _end(node), texts[kind])
        edits.append(_edit.rewrite_spans(_behind.at(code, statement), [span]))
    if any(e is None for e in edits):
        return None
    return tuple(e for e in edits if e is not None), base


def _block(code: _source.Code, statement: ast.stmt) -> list[ast.stmt]:
    """The statements of the body (or ``else``, ``finally``) that holds ``statement``."""
    parent = code.parents.get(statement, code.function)
    for name in ("body", "orelse", "finalbody"):
        statements = getattr(parent, name, None)
        if isinstance(statements, list) and statement in statements:
            return statements
    return [statement]


def _end(node: ast.expr) -> _edit.Position:
    return (node.end_lineno or node.lineno, node.end_col_offset or 0)


def _assigned_once(code: _source.Code, name: str) -> bool:
    stores = [
        n
        for n in ast.walk(code.function)
        if isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Store)
    ]
    return len(stores) == 1 and code.is_local(name) and only_iterated(code, name)


def only_iterated(code: _source.Code, name: str) -> bool:
    """Every read of ``name`` iterates it once: ``for``, a comprehension, ``list()``, ``len()``."""
    for node in code.loads(name):
        parent = code.parents.get(node)
        if isinstance(parent, (ast.For, ast.AsyncFor, ast.comprehension)) and parent.iter is node:
            continue
        if (
            isinstance(parent, ast.Call)
            and isinstance(parent.func, ast.Name)
            and parent.func.id in _ITERATING
            and parent.args == [node]
            and (not parent.keywords or parent.func.id == "sorted")  # key=, reverse=
        ):
            continue
        return False
    return True


def _plain_base(code: _source.Code, value: ast.expr) -> bool:
    """A chain of queryset methods that return model instances (annotate() may follow)."""
    chain = _chain.take_apart(code, value)
    if chain is None:
        return False
    return all(
        link.subscript is None and (link.args is None or link.name in _BASE_METHODS)
        for link in chain.links
    )


def _quiet_until_read(
    code: _source.Code,
    block: list[ast.stmt],
    base: ast.stmt,
    halves: dict[str, tuple[ast.stmt, str]],
    names: list[str],
) -> bool:
    """Nothing from the base to the first read of a half assigns or calls anything: the one
    annotated query, run at the first half, sees what the original statements saw."""
    split_at = {id(s) for s, _ in halves.values()}
    reads = [n.lineno for name in names for n in code.loads(name)]
    if not reads:
        return False
    first_read = min(reads)
    for statement in block:
        if statement.lineno <= base.lineno or id(statement) in split_at:
            continue
        if statement.lineno > first_read or (statement.end_lineno or 0) >= first_read:
            break
        if any(isinstance(n, ast.Call) for n in ast.walk(statement)):
            return False
        if any(isinstance(getattr(n, "ctx", None), ast.Store) for n in ast.walk(statement)):
            return False
    last = max(s.lineno for s, _ in halves.values())
    return first_read > last


def _annotation(code: _source.Code, model: str, keyword: ast.keyword) -> str | None:
    """``has_post_title_quis`` for ``post__title__contains="quis"``, if it clashes with nothing."""
    parts = (keyword.arg or "").split("__")
    # title__contains -> title (the stubs miss that get_lookups() works on the class)
    if len(parts) > 1 and parts[-1] in Field.get_lookups():  # type: ignore[call-arg]
        parts = parts[:-1]
    value = keyword.value
    if isinstance(value, ast.Constant) and isinstance(value.value, str):
        word = value.value.lower().replace(" ", "_")
        if _WORD.fullmatch(word):
            parts.append(word)
    name = "has_" + "_".join(parts)
    if not name.isidentifier() or taken(code, model, name):
        return None
    return name


def taken(code: _source.Code, model: str, name: str) -> bool:
    """Whether ``name`` is written anywhere in the function or is an attribute of the model."""
    text = _source.text(code, code.function) or ""
    klass = _compose.model_class(model)
    return bool(re.search(rf"\b{name}\b", text)) or klass is None or hasattr(klass, name)


def _row_name(model: str, avoid: set[str]) -> str:
    initial = model.rsplit(".", 1)[-1][:1].lower() or "row"
    return initial if initial not in avoid and initial.isidentifier() else "row"
