"""The user's code around a call site, read at analysis time and cached per site.

Some questions cannot be answered while recording: were the rows of
``len(qs)`` used afterwards, and did the queryset that ``values()`` turned
into dictionaries ask for ``select_related``? Both are answered from the
function's source (linecache + ast), once per distinct call site, and only
for the few statements that need it.
"""

from __future__ import annotations

import ast
import functools
import io
import linecache
import tokenize
from dataclasses import dataclass

from ormwatch._query import CallSite

_TRUTH_PARENTS = (ast.If, ast.While, ast.IfExp, ast.Assert)
_COUNT_METHODS = frozenset({"count", "exists"})


@dataclass(frozen=True)
class Code:
    """One function's syntax tree, the statement at a line, and parent links."""

    path: str
    source: str
    function: ast.AST
    statement: ast.stmt
    parents: dict[ast.AST, ast.AST]

    def loads(self, name: str) -> list[ast.Name]:
        return [
            n
            for n in ast.walk(self.function)
            if isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Load)
        ]

    def is_local(self, name: str) -> bool:
        """Assigned in the function, and not a parameter, global or nonlocal."""
        args = getattr(self.function, "args", None)
        names = (
            {a.arg for a in ast.walk(args) if isinstance(a, ast.arg)}
            if isinstance(args, ast.arguments)
            else set()
        )
        scoped = any(
            isinstance(n, (ast.Global, ast.Nonlocal)) and name in n.names
            for n in ast.walk(self.function)
        )
        assigned = any(
            isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Store)
            for n in ast.walk(self.function)
        )
        return assigned and name not in names and not scoped


@functools.lru_cache(maxsize=512)
def code_at(site: CallSite) -> Code | None:
    """The innermost function around ``site`` and the statement at its line.

    A class body stands in for the function when no function encloses the line:
    a class-based view's ``queryset = Post.objects...`` attribute.
    """
    if site.kind != "python":
        return None
    source = "".join(linecache.getlines(site.path))
    tree = _parse(site.path, source)
    if tree is None:
        return None
    around = [
        n
        for n in ast.walk(tree)
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
        and n.lineno <= site.line <= (n.end_lineno or n.lineno)
    ]
    functions = [n for n in around if not isinstance(n, ast.ClassDef)] or around
    if not functions:
        return None
    function = max(functions, key=lambda n: n.lineno)
    statements = [
        n
        for n in ast.walk(function)
        if isinstance(n, ast.stmt)
        and n is not function
        and n.lineno <= site.line <= (n.end_lineno or n.lineno)
    ]
    if not statements:
        return None
    statement = min(statements, key=lambda n: (n.end_lineno or n.lineno) - n.lineno)
    parents = {child: node for node in ast.walk(function) for child in ast.iter_child_nodes(node)}
    return Code(site.path, source, function, statement, parents)


@functools.lru_cache(maxsize=32)
def _parse(path: str, source: str) -> ast.Module | None:
    try:
        return ast.parse(source, path)
    except (SyntaxError, ValueError):
        return None


def header(code: Code) -> list[ast.AST]:
    """The expressions a statement itself evaluates (not the bodies it holds)."""
    node = code.statement
    if isinstance(node, (ast.If, ast.While)):
        return [node.test]
    if isinstance(node, (ast.For, ast.AsyncFor)):
        return [node.iter]
    if isinstance(node, (ast.With, ast.AsyncWith)):
        return [item.context_expr for item in node.items]
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Try)):
        return []
    return [node]


def in_truth_test(code: Code, node: ast.AST) -> bool:
    """Whether only the truth value of ``node`` is used: ``if x``, ``not x``, ``bool(x)``."""
    parent = code.parents.get(node)
    if isinstance(parent, _TRUTH_PARENTS) and getattr(parent, "test", None) is node:
        return True
    if isinstance(parent, ast.comprehension) and node in parent.ifs:
        return True
    if isinstance(parent, ast.UnaryOp) and isinstance(parent.op, ast.Not):
        return True
    if isinstance(parent, ast.BoolOp):
        return in_truth_test(code, parent)
    return isinstance(parent, ast.Call) and _called(parent, "bool") and node in parent.args


def count_like_use(code: Code, name: ast.Name) -> bool:
    """``len(x)``, ``bool(x)``, ``if x``, ``x.count()``, ``x.exists()``: the rows are not used."""
    parent = code.parents.get(name)
    if isinstance(parent, ast.Call) and _called(parent, "len", "bool") and name in parent.args:
        return True
    if isinstance(parent, ast.Attribute) and parent.attr in _COUNT_METHODS:
        return isinstance(code.parents.get(parent), ast.Call)
    return in_truth_test(code, name)


def _called(call: ast.Call, *names: str) -> bool:
    return isinstance(call.func, ast.Name) and call.func.id in names


def candidates(code: Code, method: str, line: int) -> list[tuple[ast.expr, ast.expr]]:
    """(the queryset expression, the node to rewrite) for a ``len`` / ``bool`` at ``line``."""
    found: list[tuple[ast.expr, ast.expr]] = []
    for root in header(code):
        for node in ast.walk(root):
            if not isinstance(node, ast.expr):
                continue
            if not node.lineno <= line <= (node.end_lineno or node.lineno):
                continue
            if isinstance(node, ast.Call) and _called(node, "len", "bool"):
                if _called(node, method) and len(node.args) == 1 and not node.keywords:
                    found.append((node.args[0], node))
                continue
            queryset_like = isinstance(node, (ast.Name, ast.Call, ast.Subscript))
            inside_call = isinstance(code.parents.get(node), ast.Call)  # bool(x): counted above
            if method == "bool" and queryset_like and not inside_call and in_truth_test(code, node):
                found.append((node, node))
    return found


def text(code: Code, node: ast.AST) -> str | None:
    return ast.get_source_segment(code.source, node)


def rewrite(code: Code, line: int, replacements: list[tuple[ast.expr, str]]) -> str | None:
    """Source line ``line`` with each node replaced, if every node sits on that line."""
    raw = linecache.getline(code.path, line).rstrip("\n")
    data = raw.encode()
    for node, new in sorted(replacements, key=lambda r: r[0].col_offset, reverse=True):
        if node.lineno != line or node.end_lineno != line or node.end_col_offset is None:
            return None
        data = data[: node.col_offset] + new.encode() + data[node.end_col_offset :]
    # The user's trailing comment (a noqa, a note) was about the old code.
    return without_comment(data.decode(errors="replace")).strip()


def literal(source: str) -> object:
    """The value of a literal's source text (``'category'`` -> ``category``), else None."""
    try:
        return ast.literal_eval(source)
    except (ValueError, SyntaxError):
        return None


def without_comment(code: str) -> str:
    """A source line minus its trailing comment (tokenized, so '#' in strings survives)."""
    try:
        for token in tokenize.generate_tokens(io.StringIO(code).readline):
            if token.type == tokenize.COMMENT:
                return code[: token.start[1]].rstrip()
    except (tokenize.TokenError, SyntaxError):  # a line that opens a bracket it closes later
        pass
    return code
