"""The fix for an N+1 of per-object COUNTs: one ``annotate(Count(...))`` where the list is built.

``[(c.name, c.product_set.filter(name__startswith="x").count()) for c in companies]``
runs a COUNT per company. A prefetch is the wrong fix: ``filter()`` queries even when
the relation is prefetched, and an unfiltered ``count()`` would fetch every row to
count it. The query that loads the companies counts them instead:
``.annotate(matching_product_set_count=Count("product", filter=Q(...)))`` spliced into
the chain that builds it (before a slice or a call that returns rows), and the loop
reads ``c.matching_product_set_count``. Every such count in a loop over that queryset
is rewritten with it, so two findings of one queryset write the same edits and their
annotations get names apart (``_count_terms`` writes each ``Count()``).

Nothing is written (``Refused``: the reason, and the annotation to write when the
lookups could be read) when Count would count something else or the code cannot be
written exactly: the list's query joins a multi-valued relation, groups rows, or is
``distinct()``, ``values()``, a set operation or calls a method its QuerySet lacks; the
loop also counts another multi-valued relation (two Counts in one query multiply each
other); the lookups cannot be written (``_count_terms``); the related model's default
manager filters its rows; the loop does not iterate that list. A count in a template, through
a variable (``qs.count()``) or over a generic relation is left to the N+1's other
fixes (None).
"""

from __future__ import annotations

import ast
import dataclasses
from dataclasses import dataclass
from typing import Any

from ormwatch._fix import _chain, _compose, _edit, _merge, _source, _variables
from ormwatch._fix._count_terms import Target, Trigger, count, free_name, spans, terms, triggers
from ormwatch._introspect import _relations
from ormwatch._query import CallSite, Query

_MANAGERS = frozenset({"reverse_fk", "m2m", "reverse_m2m"})
# The annotate goes before these: they return rows, not a queryset to annotate.
_ROWS = frozenset({"get", "first", "last", "earliest", "latest", "iterator", "in_bulk"})
# A Count added to these counts something else, or cannot be added at all.
_REFUSED = frozenset(
    {"distinct", "values", "values_list", "union", "intersection", "difference", "extra"}
)


@dataclass(frozen=True)
class Counted:
    code: str  # the statements the fix changes, as it shows them
    edits: tuple[_edit.Edit, ...]
    annotation: str  # matching_product_set_count=Count(...)
    read: str  # c.matching_product_set_count


@dataclass(frozen=True)
class Refused:
    reason: str
    annotation: str | None  # the Count to write by hand, when the lookups could be read
    model: str = ""

    def advice(self) -> str:
        """What to write instead, in words, for the finding's message."""
        what = f"annotate({self.annotation})" if self.annotation else "annotate() and Count()"
        return (
            f"or count them in the {self.model} query with {what}, which ormwatch does not "
            f"write here: {self.reason}"
        )


def per_object(
    query: Query, loader: Query | None, origin: CallSite | None
) -> Counted | Refused | None:
    """The annotate fix for ``query``, a related manager's ``count()`` repeated per object."""
    orm, site, relation = query.orm, query.call_site, query.orm.relation
    if orm.kind != "related_manager" or orm.method != "count" or relation is None:
        return None
    if relation.kind not in _MANAGERS or site is None or site.kind != "python":
        return None
    code = _source.code_at(site)
    model = _compose.model_class(relation.model)
    target = _target(model, relation.field)
    if code is None or target is None:
        return None
    own = next(
        (
            t
            for t in triggers(code.function)
            if t.accessor == target.accessor and spans(t.call, site)
        ),
        None,
    )
    if own is None:
        return None
    chain = _chain.queryset_at(origin, model.__name__)
    # Names the Count's values read must be set above the list's statement, in its function.
    defined = None
    if chain is not None and chain.code.function is code.function:
        defined = chain.code.statement.lineno
    own_terms = terms(code, own, target, defined)
    if isinstance(own_terms, str):
        return Refused(own_terms, None, model.__name__)
    wanted = f"{target.base(own_terms)}={count(target.query_name, own_terms)}"
    loop = _variables.binding_loop(code, own.variable)
    problem = (
        _manager_problem(target.related)
        or _loader_problem(loader)
        or _chain_problem(chain, model)
        or (None if loop is not None else "the counted object is not a loop's target")
    )
    if problem is not None or chain is None or origin is None or loop is None:
        problem = problem or "the statement that builds the list was not found"
        return Refused(problem, wanted, model.__name__)
    if not _iterates(code, loop, chain):
        return Refused("the loop does not iterate the queryset built there", wanted, model.__name__)
    return _written(code, own, loop, chain, target, defined)


def _written(
    code: _source.Code,
    own: Trigger,
    loop: _variables.Loop,
    chain: _chain.Chain,
    target: Target,
    defined: int | None,
) -> Counted | Refused:
    taken = {k for link in chain.links for k, _ in link.args or () if k}
    chosen: dict[str, str] = {}  # Count(...) -> its annotation's name
    replaced: dict[ast.stmt, list[tuple[ast.AST, str]]] = {}
    counted: set[Target] = set()
    read = ""
    # Every count over a loop of this queryset: each finding of it writes them all, so
    # their edits are the same (two annotate() calls at one place would not merge).
    for trigger in triggers(code.function):
        its_loop = _variables.binding_loop(code, trigger.variable)
        if its_loop is None or (its_loop is not loop and not _iterates(code, its_loop, chain)):
            continue
        its = _target(target.model, trigger.accessor)
        found = terms(code, trigger, its, defined) if its is not None else "no manager"
        if its is None or isinstance(found, str) or _manager_problem(its.related):
            continue  # that count stays a query of its own: still right
        counted.add(its)
        written = count(its.query_name, found)
        if written not in chosen:
            name = free_name(target.model, its.base(found), taken | set(chosen.values()))
            chosen[written] = name
        attribute = f"{trigger.variable.id}.{chosen[written]}"
        if trigger.call is own.call:
            read = attribute
        replaced.setdefault(_variables.statement_of(code, trigger.call), []).append(
            (trigger.call, attribute)
        )
    annotation = next(f"{n}={c}" for c, n in chosen.items() if read.endswith(f".{n}"))
    others = sorted({t.query_name for t in counted} - {target.query_name})
    if others:
        return Refused(
            f"the loop also counts {', '.join(others)}: Counts of two multi-valued relations "
            f"in one query multiply each other (give each distinct=True, or count in a Subquery)",
            annotation,
            chain.root,
        )
    links = chain.links
    at = len(links)
    while at > 1 and (links[at - 1].subscript is not None or links[at - 1].name in _ROWS):
        at -= 1
    links.insert(at, _chain.Link("annotate", [(n, c) for c, n in chosen.items()]))
    edits = [chain.edit()]
    for statement, nodes in replaced.items():
        edits.append(_edit.rewrite_statement(dataclasses.replace(code, statement=statement), nodes))
    exact = [e for e in edits if e is not None]
    if len(exact) != len(edits):
        return Refused("a statement shares its line with another", annotation, chain.root)
    merged = _merge.merge(exact, code.source.splitlines())
    if len(merged) != len({(e.start_line, e.end_line) for e in exact}):
        return Refused("the statements to change overlap", annotation, chain.root)
    # Every statement the fix changes, in file order: the annotate alone would be
    # code that counts and nothing that reads the count.
    shown = _edit.shown_all(merged)
    return Counted(shown, tuple(merged), annotation, read)


def _target(model: Any, accessor: str) -> Target | None:
    field = _relations.find(model, accessor) if model is not None else None
    if field is None or _relations.relation_kind(field) not in _MANAGERS:
        return None
    return Target(model, field.related_model, str(field.name), accessor)


def _manager_problem(related: Any) -> str | None:
    query = related._default_manager.get_queryset().query
    if query.where.children or query.distinct:
        return (
            f"{related.__name__}'s default manager filters its rows: the related manager "
            f"counts only those, a Count() all of them"
        )
    return None


def _loader_problem(loader: Query | None) -> str | None:
    if loader is None or loader.orm.kind != "query":
        return "the objects were not loaded by a queryset of yours"
    orm = loader.orm
    multi = [j.path for j in orm.joined if j.multi_valued]
    if multi:
        return (
            f"the list's query already joins {multi[0]}, a multi-valued relation: "
            f"a Count beside it would count each row once per {multi[0]} row"
        )
    if orm.grouped or orm.distinct or orm.values:
        return "the list's query already groups, de-duplicates or returns dictionaries"
    return None


def _chain_problem(chain: _chain.Chain | None, model: Any) -> str | None:
    if chain is None:
        return "the statement that builds the list is not a Model.objects chain"
    queryset = getattr(getattr(model, "objects", None), "_queryset_class", None)
    for link in chain.links[1:]:
        if link.subscript is not None:
            continue
        if link.name in _REFUSED:
            return f"the list's queryset calls {link.name}()"
        if link.args is None or not hasattr(queryset, link.name):
            return f"the list's queryset reads {link.name}, which is not a QuerySet method"
    return None


def _iterates(code: _source.Code, loop: _variables.Loop, chain: _chain.Chain) -> bool:
    """Whether the loop iterates the queryset ``chain`` builds: inline, or by its variable."""
    if any(n is chain.node for n in ast.walk(loop.iter)):
        return True
    if chain.code.function is not code.function:
        return False
    line = _variables.iterated_from(code, loop, f"{chain.root}.objects")
    return line == chain.code.statement.lineno
