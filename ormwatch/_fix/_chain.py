"""A queryset method chain from the user's source, taken apart and put back together.

``Blog.objects.prefetch_related("category").filter(name="x", category__name="y")``
becomes a root (``Blog``) and links (``objects``, ``prefetch_related(...)``,
``filter(...)``) whose arguments keep their source text, so a fix can drop a
call or change one argument and print the user's own code back, values and all.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from ormwatch._fix import _edit, _source
from ormwatch._query import CallSite

Arg = tuple[str | None, str]  # (keyword or None, source text of the value)


@dataclass(eq=False)
class Link:
    name: str
    args: list[Arg] | None = None  # None: an attribute, not a call
    subscript: str | None = None
    # Where the link stands in the user's source, and its text there (None: a link a
    # fix adds). An edit changes only the links that differ from what was written.
    node: ast.expr | None = field(default=None, repr=False)
    written: str | None = field(default=None, repr=False)

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
    root_node: ast.expr | None = field(default=None, repr=False)
    written: list[Link] = field(default_factory=list, repr=False)

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
        return Chain(self.code, self.node, self.root, kept, self.root_node, self.written)

    def drop_empty(self, name: str) -> None:
        self.links = [x for x in self.links if not (x.name == name and x.args == [])]

    def edit(self) -> _edit.Edit | None:
        """The whole statement this chain stands in, rewritten with it: an exact edit.

        Links kept as written keep their text and line breaks; a dropped link
        is cut from the end of what it was called on; a changed or added link
        is written where it stands. So two edits of one chain (two unused eager
        loads) touch different characters and merge.
        """
        if self.root_node is None or not self.written:
            return _edit.rewrite_statement(self.code, [(self.node, self.text())])
        spans: list[_edit.Span] = []
        written = set(map(id, self.written))
        previous: ast.expr = self.root_node
        for link in self.written:
            if link.node is None:
                return None
            if all(link is not kept for kept in self.links):
                spans.append((_end(previous), _end(link.node), ""))
            elif link.text() != link.written:
                spans.append((_end(previous), _end(link.node), link.text()))
            previous = link.node
        # Added links after the same written one go in as one insertion, in order.
        inserted: dict[_edit.Position, str] = {}
        anchor: ast.expr = self.root_node
        for link in self.links:
            if id(link) in written and link.node is not None:
                anchor = link.node
                continue
            inserted[_end(anchor)] = inserted.get(_end(anchor), "") + link.text()
        spans += [(at, at, text) for at, text in inserted.items()]
        last = self.links[-1] if self.links else None
        bare = last is not None and last.args is None and last.subscript is None
        if bare and last is not self.written[-1] and last is not None and last.node is not None:
            spans.append((_end(last.node), _end(last.node), ".all()"))
        return _edit.rewrite_spans(self.code, spans)

    def in_line(self, line: int) -> str:
        """The statement with this chain rewritten, or the chain alone if it cannot be placed."""
        edit = self.edit()
        if edit is not None:
            return _edit.shown(edit)
        return _source.rewrite(self.code, line, [(self.node, self.text())]) or self.text()


def _end(node: ast.expr) -> _edit.Position:
    return (node.end_lineno or node.lineno, node.end_col_offset or 0)


def take_apart(code: _source.Code, node: ast.expr) -> Chain | None:
    start = node
    links: list[Link] = []
    while True:
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            args: list[Arg] = [(None, _source.text(code, a) or "...") for a in node.args]
            args += [(k.arg, _keyword_text(code, k)) for k in node.keywords]
            links.append(Link(node.func.attr, args, node=node))
            node = node.func.value
        elif isinstance(node, ast.Attribute):
            links.append(Link(node.attr, node=node))
            node = node.value
        elif isinstance(node, ast.Subscript):
            subscript = _source.text(code, node.slice) or ":"
            links.append(Link("[]", subscript=subscript, node=node))
            node = node.value
        else:
            break
    if not isinstance(node, ast.Name) or not links:
        return None
    for link in links:
        link.written = link.text()
    ordered = links[::-1]
    return Chain(code, start, node.id, ordered, node, list(ordered))


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
