"""Following a queryset variable back to the statement that built it, within one function.

``for post in qs.iterator(chunk_size=2):`` loops over ``qs``; the line to
change is where ``qs`` was assigned, not the nearest line above that mentions
the model (another queryset of the same model may sit in between). The other
way round, ``binding_loop`` finds the ``for`` or comprehension clause that
binds a loop's variable, and ``iterated_from`` the assignment behind what it
iterates (``list(qs)`` is ``qs``).
"""

from __future__ import annotations

import ast
import linecache

from ormwatch._fix import _source
from ormwatch._query import CallSite

_MAX_HOPS = 5  # qs = base; base = Post.objects...: a short chain of names at most
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
# Calls that hand back the queryset's own instances: list(companies) is companies.
_SAME_ROWS = frozenset({"list", "tuple", "sorted"})

Loop = ast.For | ast.comprehension


def builder(site: CallSite, anchor: str) -> CallSite | bool | None:
    """The line whose statement builds the queryset ``site`` iterates, by its variable.

    Returns the assignment's site when it writes ``anchor`` (``Post.objects``),
    ``False`` when the variable was assigned from something else (a call, a
    parameter-built queryset: no line of this function can be changed), and
    ``None`` when ``site`` iterates no local variable (the caller falls back).
    """
    code = _source.code_at(site)
    if code is None:
        return None
    name = _iterated_name(code, site.line)
    if name is None:
        return None
    line = built_at(code, name, site.line, anchor)
    if line is None or isinstance(line, bool):  # bool first: it is an int too
        return line
    text = linecache.getline(site.path, line).strip()
    return CallSite(site.path, line, site.function, text, "python")


def built_at(code: _source.Code, name: str, before: int, anchor: str) -> int | bool | None:
    """The line of the assignment that builds the queryset the local ``name`` holds at ``before``.

    ``False`` when it was assigned from something else, ``None`` when ``name`` is
    not a local variable assigned above ``before``.
    """
    if not code.is_local(name):
        return None
    for _ in range(_MAX_HOPS):
        assigned = _last_assignment(code, name, before)
        if assigned is None:
            return None
        value = ast.get_source_segment(code.source, assigned.value) or ""
        if anchor in value:
            return assigned.lineno
        root = root_name(assigned.value)
        if root is None or not code.is_local(root):
            return False
        name, before = root, assigned.lineno
    return False


def _iterated_name(code: _source.Code, line: int) -> str | None:
    """The local name at the root of what the loop at ``line`` iterates."""
    iters: list[ast.expr] = []
    statement = code.statement
    if isinstance(statement, (ast.For, ast.AsyncFor)) and statement.lineno == line:
        iters.append(statement.iter)
    for node in ast.walk(statement):
        if isinstance(node, ast.comprehension):
            iters.append(node.iter)
    roots = {root_name(it) for it in iters} - {None}
    return roots.pop() if len(roots) == 1 else None


def root_name(node: ast.expr) -> str | None:
    """``qs`` for ``qs``, ``qs.iterator(chunk_size=2)`` or ``qs.filter(x=1).all()``."""
    while True:
        if isinstance(node, ast.Name):
            return node.id
        if isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Attribute):
            node = node.value
        else:
            return None


def _last_assignment(code: _source.Code, name: str, before: int) -> ast.Assign | None:
    found: ast.Assign | None = None
    for node in ast.walk(code.function):
        if (
            isinstance(node, ast.Assign)
            and node.lineno < before
            and any(isinstance(t, ast.Name) and t.id == name for t in node.targets)
            and (found is None or node.lineno > found.lineno)
        ):
            found = node
    return found


def statement_of(code: _source.Code, node: ast.AST) -> ast.stmt:
    """The innermost statement of ``code.function`` that holds ``node``."""
    current: ast.AST | None = node
    while current is not None and not isinstance(current, ast.stmt):
        current = code.parents.get(current)
    return current if current is not None else code.statement


def binding_loop(code: _source.Code, name: ast.Name) -> Loop | None:
    """The ``for`` or comprehension clause whose target is ``name`` (a plain name), if any."""
    child: ast.AST = name
    node = code.parents.get(name)
    while node is not None and node is not code.function:
        if isinstance(node, ast.For) and child is not node.iter and _binds(node.target, name):
            return node
        if isinstance(node, _COMPREHENSIONS):
            generators = node.generators
            if isinstance(child, ast.comprehension):
                # Inside a clause's own iterable, only the clauses before it bind.
                inside_iter = any(n is name for n in ast.walk(child.iter))
                generators = generators[: generators.index(child) + (not inside_iter)]
            for generator in reversed(generators):
                if _binds(generator.target, name):
                    return generator
        child, node = node, code.parents.get(node)
    return None


def _binds(target: ast.expr, name: ast.Name) -> bool:
    return isinstance(target, ast.Name) and target.id == name.id


def iterated_from(code: _source.Code, loop: Loop, anchor: str) -> int | None:
    """The line of the assignment that builds what ``loop`` iterates by its variable, if any."""
    iterated = loop.iter
    while (
        isinstance(iterated, ast.Call)
        and isinstance(iterated.func, ast.Name)
        and iterated.func.id in _SAME_ROWS
        and len(iterated.args) == 1
    ):
        iterated = iterated.args[0]
    root = root_name(iterated)
    if root is None:
        return None
    before = loop.lineno if isinstance(loop, ast.For) else statement_of(code, loop).lineno
    line = built_at(code, root, before, anchor)
    return None if isinstance(line, bool) else line
