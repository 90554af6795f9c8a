"""A queryset method chain from the user's source, taken apart and put back together.

``Blog.objects.prefetch_related("category").filter(name="x", category__name="y")``
becomes a root (``Blog``) and links (``objects``, ``prefetch_related(...)``,
``filter(...)``) whose arguments keep their source text, so a fix can drop a
call or change one argument and print the user's own code back, values and all.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from ormwatch._fix import _source
from ormwatch._query import CallSite

Arg = tuple[str | None, str]  # (keyword or None, source text of the value)


@dataclass
class Link:
    name: str
    args: list[Arg] | None = None  # None: an attribute, not a call
    subscript: str | None = None

    def text(self) -> str:
        if self.subscript is not None:
            return f"[{self.subscript}]"
        if self.args is None:
            return f".{self.name}"
        parts = [v if k is None else f"{k}={v}" for k, v in self.args]
        return f".{self.name}({', '.join(parts)})"


@dataclass
class Chain:
    code: _source.Code
    node: ast.expr
    root: str
    links: list[Link] = field(default_factory=list)

    def text(self) -> str:
        links = self.links
        if links and links[-1].args is None and links[-1].subscript is None:
            links = [*links, Link("all", [])]  # a bare manager is not a queryset
        return self.root + "".join(link.text() for link in links)

    def methods(self) -> list[str]:
        return [link.name for link in self.links if link.args is not None]

    def calls(self, name: str) -> list[Link]:
        return [link for link in self.links if link.name == name and link.args is not None]

    def without(self, *names: str) -> Chain:
        kept = [link for link in self.links if link.name not in names or link.args is None]
        return Chain(self.code, self.node, self.root, kept)

    def drop_empty(self, name: str) -> None:
        self.links = [x for x in self.links if not (x.name == name and x.args == [])]

    def in_line(self, line: int) -> str:
        """The source line with this chain rewritten, or the chain alone if it spans lines."""
        return _source.rewrite(self.code, line, [(self.node, self.text())]) or self.text()


def take_apart(code: _source.Code, node: ast.expr) -> Chain | None:
    start = node
    links: list[Link] = []
    while True:
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            args: list[Arg] = [(None, _source.text(code, a) or "...") for a in node.args]
            args += [(k.arg, _keyword_text(code, k)) for k in node.keywords]
            links.append(Link(node.func.attr, args))
            node = node.func.value
        elif isinstance(node, ast.Attribute):
            links.append(Link(node.attr))
            node = node.value
        elif isinstance(node, ast.Subscript):
            links.append(Link("[]", subscript=_source.text(code, node.slice) or ":"))
            node = node.value
        else:
            break
    if not isinstance(node, ast.Name) or not links:
        return None
    return Chain(code, start, node.id, links[::-1])


def _keyword_text(code: _source.Code, keyword: ast.keyword) -> str:
    value = _source.text(code, keyword.value) or "..."
    return value if keyword.arg is not None else f"**{value}"


def queryset_at(site: CallSite | None, model_name: str) -> Chain | None:
    """The outermost ``Model.objects...`` chain in the statement at ``site``."""
    if site is None:
        return None
    code = _source.code_at(site)
    if code is None:
        return None
    best: Chain | None = None
    for root in _source.header(code):
        for node in ast.walk(root):
            if not isinstance(node, (ast.Call, ast.Attribute, ast.Subscript)):
                continue
            chain = take_apart(code, node)
            if chain is None or chain.root != model_name or not chain.links:
                continue
            if chain.links[0].name != "objects":
                continue
            if best is None or len(chain.links) > len(best.links):
                best = chain
    return best
