"""The fix for a lazy queryset given to ``__in``: the rows it already has, or a join.

``Category.objects.filter(blog__in=blogs)`` compiles ``blogs`` into the
statement as ``IN (SELECT ...)``. Only the keyword is rewritten, where it is
written; the variable keeps its queryset for every other use (a later
``blogs.filter()`` still works). Two rewrites keep the same rows:

- ``blog__in=list(blogs)`` when ``blogs`` was certainly evaluated earlier in
  the function (a loop or comprehension over it, ``list(blogs)``): its cached
  rows are reused, so no query is added. A ``values("author_id")`` queryset
  gives dictionaries, which ``__in`` cannot take: ``[row["author_id"] for row
  in author_ids]``.
- ``blog__name__startswith="x"`` (the inner queryset's own filters, behind the
  relation) when the lookup's left side is a foreign key to the inner model,
  the inner queryset is ``Model.objects`` with only ``filter()`` keywords, and
  none of them crosses a multi-valued relation (which would repeat rows).

Otherwise no edit: ``list()`` would run one more query first, which is the
user's trade-off to make (the message says so).
"""

from __future__ import annotations

import ast
from typing import Any

from ormwatch._fix import _chain, _compose, _edit, _source
from ormwatch._introspect import _relations
from ormwatch._query import ImplicitSubquery

# Calls that evaluate a queryset given to them whole.
_EVALUATING = frozenset({"list", "tuple", "set", "sorted", "len", "dict"})
# Links that do not change which rows an IN (SELECT ...) holds.
_NEUTRAL = frozenset({"all", "order_by", "filter"})


def rewritten(code: _source.Code, model: str, sub: ImplicitSubquery) -> _edit.Edit | None:
    """The statement at ``code`` with the ``__in`` keyword rewritten, or None."""
    found = keyword_of(code, model, sub)
    if found is None:
        return None
    call, keyword = found
    value = keyword.value
    new = _listed(code, value) if isinstance(value, ast.Name) else None
    if new is None and in_filter(call) and sub.joinable:
        new = joined(code, value, sub)
    if new is None:
        return None
    return _edit.rewrite_statement(code, [(keyword, new)])


def keyword_of(
    code: _source.Code, model: str, sub: ImplicitSubquery
) -> tuple[ast.Call, ast.keyword] | None:
    """The one ``__in`` keyword (in any of its spellings) the statement passes the rows to."""
    if not sub.lookup.endswith("__in"):
        return None
    outer = _compose.model_class(model)
    if outer is None or _multi_valued(outer, sub.relation):
        # The join repeats rows whatever the IN holds: unexpected_join's Exists()
        # is the fix, and it takes the lazy queryset into its own subquery.
        return None
    names = {sub.lookup}
    if sub.relation == outer._meta.pk.name:
        names.add("pk__in")
    inner = _compose.model_class(sub.model)
    if sub.joinable and inner is not None:  # blog__id__in, blog_id__in: the same column
        names |= {f"{sub.relation}__{inner._meta.pk.name}__in", f"{sub.relation}__pk__in"}
        names.add(f"{sub.relation}_id__in")
    keywords = [
        (call, k)
        for root in _source.header(code)
        for call in ast.walk(root)
        if isinstance(call, ast.Call)
        for k in call.keywords
        if k.arg in names
    ]
    return keywords[0] if len(keywords) == 1 else None


def _multi_valued(outer: Any, relation: str) -> bool:
    hops = _relations.walk(outer, relation, query_names=True) if relation else []
    return any(h.field.many_to_many or h.field.one_to_many for h in hops or ())


def _listed(code: _source.Code, name: ast.Name) -> str | None:
    """``blog__in=list(blogs)`` (or the values' list) if ``blogs`` was evaluated before."""
    builder = _assignment(code, name)
    if builder is None or not _evaluated_before(code, name.id, builder):
        return None
    keyword = code.parents.get(name)
    arg = keyword.arg if isinstance(keyword, ast.keyword) else None
    chain = _chain.take_apart(code, builder.value)
    if chain is None:
        return None
    flat = chain.calls("values_list")
    if flat:  # one field, flat=True: a list of values; tuples otherwise
        fields = flat[-1].args or []
        one = [v for k, v in fields if k is None]
        return f"{arg}=list({name.id})" if len(one) == 1 and ("flat", "True") in fields else None
    values = chain.calls("values")
    if not values:
        return f"{arg}=list({name.id})"
    fields = values[-1].args or []
    if len(fields) != 1 or fields[0][0] is not None:
        return None
    return f"{arg}=[row[{fields[0][1]}] for row in {name.id}]"


def _assignment(code: _source.Code, name: ast.Name) -> ast.Assign | None:
    """The one assignment of the local ``name``, above the statement, from a queryset chain."""
    stores = [
        n
        for n in ast.walk(code.function)
        if isinstance(n, ast.Name) and n.id == name.id and isinstance(n.ctx, ast.Store)
    ]
    if len(stores) != 1 or not code.is_local(name.id):
        return None
    assign = code.parents.get(stores[0])
    if not isinstance(assign, ast.Assign) or assign.targets != [stores[0]]:
        return None
    if assign.lineno >= code.statement.lineno or code.parents.get(assign) is not _block(code):
        return None
    chain = _chain.take_apart(code, assign.value)
    if chain is None or not chain.links or chain.links[0].name != "objects":
        return None
    return assign


def _block(code: _source.Code) -> ast.AST | None:
    return code.parents.get(code.statement)


def _evaluated_before(code: _source.Code, name: str, builder: ast.Assign) -> bool:
    """A statement between the assignment and ``code.statement``, in the same block, surely
    iterates ``name``: ``for x in name``, a comprehension over it, ``list(name)``."""
    block = _block(code)
    body = getattr(block, "body", None)
    if not isinstance(body, list):
        return False
    between = body[body.index(builder) + 1 : body.index(code.statement)]
    for statement in between:
        roots = _source.header(
            _source.Code(code.path, code.source, code.function, statement, code.parents)
        )
        for root in roots:
            for node in ast.walk(root):
                if isinstance(node, ast.Name) and node.id == name and _iterates(code, node, root):
                    return True
    return False


def _iterates(code: _source.Code, node: ast.Name, root: ast.AST) -> bool:
    parent = code.parents.get(node)
    if isinstance(parent, ast.For) and parent.iter is node:
        return True
    if isinstance(parent, ast.Call) and isinstance(parent.func, ast.Name):
        surely = parent.func.id in _EVALUATING and parent.args == [node]
        return surely and _unconditional(code, parent, root)
    if isinstance(parent, ast.comprehension) and parent.iter is node:
        comp = code.parents.get(parent)
        first = getattr(comp, "generators", [None])[0] is parent
        return first and comp is not None and _unconditional(code, comp, root)
    return False


def _unconditional(code: _source.Code, node: ast.AST, root: ast.AST) -> bool:
    """Nothing between ``node`` and the statement may skip it (``x if c else y``, ``and``)."""
    while node is not root:
        parent = code.parents.get(node)
        if parent is None or isinstance(parent, (ast.IfExp, ast.BoolOp, ast.Lambda)):
            return False
        if isinstance(parent, ast.comprehension) and parent.iter is not node:
            return False
        node = parent
    return True


def in_filter(call: ast.Call) -> bool:
    return isinstance(call.func, ast.Attribute) and call.func.attr == "filter"


def joined(code: _source.Code, value: ast.expr, sub: ImplicitSubquery) -> str | None:
    """``blog__name__startswith="x"``: the inner filters, behind the relation."""
    if isinstance(value, ast.Name):
        assign = _assignment(code, value)
        if assign is None or _reassigned_reads(code, assign):
            return None
        value = assign.value
    chain = _chain.take_apart(code, value)
    model = _compose.model_class(sub.model)
    if chain is None or model is None or chain.root != model.__name__:
        return None
    if not chain.links or chain.links[0].name != "objects":
        return None
    keywords: list[tuple[str, str]] = []
    for link in chain.links[1:]:
        if link.name in ("values", "values_list") and _selects_key(link.args, model):
            continue  # the key is what IN compares anyway
        if link.args is None or link.name not in _NEUTRAL:
            return None
        if link.name == "filter":
            if any(k is None or k.startswith("**") for k, _ in link.args):
                return None
            keywords += [(k, v) for k, v in link.args if k is not None]
    if not keywords or not all(_single_valued(model, k) for k, _ in keywords):
        return None
    return ", ".join(f"{sub.relation}__{k}={v}" for k, v in keywords)


def _selects_key(args: list[tuple[str | None, str]] | None, model: Any) -> bool:
    """``values("id")``, ``values_list("pk", flat=True)``: only the primary key."""
    named = [v for k, v in args or () if k is None]
    flags = [(k, v) for k, v in args or () if k is not None]
    if len(named) != 1 or any(f != ("flat", "True") for f in flags):
        return False
    return _source.literal(named[0]) in ("pk", model._meta.pk.name)


def _single_valued(model: Any, lookup: str) -> bool:
    from django.core.exceptions import FieldDoesNotExist

    for part in lookup.split("__"):
        if part == "pk":
            return True
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return True  # a lookup or transform: the path ended
        if not field.is_relation:
            return True
        if field.many_to_many or field.one_to_many:
            return False
        model = field.related_model
    return True


def _reassigned_reads(code: _source.Code, assign: ast.Assign) -> bool:
    """A name the queryset's arguments read is assigned again before the statement."""
    read = {n.id for n in ast.walk(assign.value) if isinstance(n, ast.Name)}
    start, end = assign.lineno, code.statement.lineno
    return any(
        isinstance(n, ast.Name)
        and isinstance(n.ctx, ast.Store)
        and n.id in read
        and start < n.lineno <= end
        for n in ast.walk(code.function)
    )
