"""A join the user did not ask for with ``select_related``.

Three shapes, read from the relations a statement joins and what uses them:

- ``repeat``: a filter (or ordering) across one multi-valued relation, so
  each row comes back once per matching related row: ``distinct()`` or
  ``Exists`` (warning);
- ``explosion``: two independent multi-valued joins, so rows (or aggregates)
  multiply: one ``Exists`` / subquery per relation (warning);
- ``or_self_join``: an ``OR`` across two reverse relations that joins the
  same table twice with LEFT OUTER JOINs (``Q(banning=user) |
  Q(banned=user)``): the special case of ``explosion`` (warning).

A filter across a forward FK or one-to-one is an ordinary INNER JOIN: WHERE
and ON give the same rows, so it is never reported. Where moving a condition
into ON would change rows (an annotation across a multi-valued relation
filtered again), the relation is joined twice, which is ``explosion``.

``FilteredRelation`` joins, ``select_related`` joins, ``distinct()``
querysets and ``exists()`` are never reported.
"""

from __future__ import annotations

from collections.abc import Iterator

from ormwatch._analyse import _fragment
from ormwatch._analyse._analysis import Analysis, builder_site, code_site
from ormwatch._analyse._spec import KindSpec
from ormwatch._analyse.prefetch_double_fetch import doubled
from ormwatch._finding import Finding
from ormwatch._fix import _exists, _partition, _sides
from ormwatch._fix import _join_rewrite as fixes
from ormwatch._fix._edit import Edit, shown, shown_all
from ormwatch._introspect import _unique
from ormwatch._kinds import Kind
from ormwatch._query import JoinedRelation, OrmContext, Query

Case = tuple[str, tuple[JoinedRelation, ...]]
_EXPLICIT = frozenset({"filtered_relation", "select_related"})
# Methods that read at most one row: repeated rows cannot show.
_ONE_ROW = frozenset({"exists", "first", "last", "earliest", "latest"})


def detect(analysis: Analysis) -> Iterator[Finding]:
    groups: dict[tuple[object, ...], list[Query]] = {}
    cases: dict[tuple[object, ...], Case] = {}
    for query in analysis.built_by_user():
        for case in _cases(query.orm):
            key: tuple[object, ...] = (
                case[0],
                tuple(r.path for r in case[1]),
                query.call_site,
                query.fingerprint,
            )
            groups.setdefault(key, []).append(query)
            cases[key] = case
    for key, queries in groups.items():
        yield _finding(cases[key], queries)


def _cases(orm: OrmContext) -> list[Case]:
    if orm.kind != "query" or not orm.joined:
        return []
    skipped = {r.path for _, r in doubled(orm)}  # prefetch_double_fetch explains these
    relations = [
        r for r in orm.joined if r.uses and not _EXPLICIT & set(r.uses) and r.path not in skipped
    ]
    # A multi-valued join whose conditions pin one related row cannot repeat a row.
    multi = [
        r for r in relations if r.multi_valued and not _unique.at_most_one(orm.model, r, orm.joined)
    ]
    # A branch is a chain of joins each hanging off the last (category, then
    # category__post): one row per leaf. Two leaves multiply each other.
    below = {id(r) for o in multi for r in _ancestors(o, orm.joined)}
    leaves = tuple(r for r in multi if id(r) not in below)
    return [] if orm.method in _ONE_ROW else _multiplying(orm, leaves)


def _ancestors(
    relation: JoinedRelation, joined: tuple[JoinedRelation, ...]
) -> list[JoinedRelation]:
    by_alias = {a: r for r in joined for a in r.aliases}
    found = []
    parent = by_alias.get(relation.via)
    while parent is not None and parent not in found:
        found.append(parent)
        parent = by_alias.get(parent.via)
    return found


def _multiplying(orm: OrmContext, leaves: tuple[JoinedRelation, ...]) -> list[Case]:
    if orm.grouped:
        if len(leaves) >= 2 and any("aggregate" in r.uses for r in leaves):
            return [("explosion", leaves)]
        return []
    if orm.distinct or not leaves:
        return []
    if len(leaves) >= 2:
        return [(_or_self_join(leaves) or "explosion", leaves)]
    uses = set(leaves[0].uses)
    if uses & {"where", "order_by"} and not uses & {"select", "aggregate"}:
        return [("repeat", leaves)]
    return []


def _or_self_join(leaves: tuple[JoinedRelation, ...]) -> str | None:
    for i, one in enumerate(leaves):
        for other in leaves[i + 1 :]:
            same_table = one.tables[:1] == other.tables[:1] and bool(one.tables)
            if same_table and "or" in one.uses and "or" in other.uses:
                return "or_self_join"
    return None


def _finding(case: Case, queries: list[Query]) -> Finding:
    name, relations = case
    query = queries[0]
    model = query.orm.model or ""
    outer = model.rsplit(".", 1)[-1]
    site = code_site(query)
    origin = builder_site(query, outer) or site or query.call_site
    aliases = [a for r in relations for a in r.aliases]
    several: tuple[Edit, ...] = ()
    listed = " and ".join(f"{outer}.{r.path}" for r in relations)
    if name == "repeat":
        relation = relations[0]
        related = relation.model.rsplit(".", 1)[-1]
        if "where" in relation.uses:
            how, cure = (
                "filtering on",
                ("ask for distinct rows, or test for a match with Exists() instead of joining"),
            )
        else:
            how, cure = "ordering by", f"order by one value per {outer} (an aggregate)"
        message = (
            f"Unexpected join: {how} {outer}.{relation.path} joins a multi-valued relation, so "
            f"each {outer} comes back once per matching {related}; {cure}"
        )
        where = "where" in relation.uses
        parted = _partition.split(site, origin, model, relation.path) if where else None
        if parted is not None:
            origin, several, base = parted
            message += "; " + _partition.note(base, outer)
        written = None if parted is not None else fixes.repeat(site, origin, model, relation)
    elif name == "or_self_join":
        table = relations[0].tables[0]
        message = (
            f"Unexpected join: an OR across {listed} joins {table} twice with LEFT OUTER "
            f"JOIN, so each {outer} repeats once per row on either side; test each "
            f"side with Exists() instead"
        )
        labelled = _sides.labelled(site, origin, model, [r.path for r in relations])
        if labelled is not None:
            origin, several = labelled
            message += (
                "; the fix annotates the side the code asks about again, reads the annotation on "
                "each row and deletes the set of that side's keys: the same rows, one query fewer"
            )
        written = None if labelled is not None else fixes.either(site, origin, model, relations)
    else:
        what = "every aggregate is multiplied" if query.orm.grouped else "rows multiply"
        again = "each filter() or annotate() across a multi-valued relation joins it again"
        if len({r.path for r in relations}) == 1:  # annotate(Count("rel")).filter(rel__x=...)
            joined = f"{outer}.{relations[0].path} is joined {len(relations)} times ({again})"
        elif len({r.path.split("__")[0] for r in relations}) == 1:  # .filter(rel__x).filter(rel__y)
            joined = f"{listed} are joined side by side ({again})"
        else:
            joined = f"{listed} are joined side by side"
        message = (
            f"Unexpected join: {joined}, a row per combination, so {what} (row explosion); "
            f"test or count each relation in its own subquery"
        )
        written = fixes.either(site, origin, model, relations, grouped=query.orm.grouped)
    fix = None
    edits: tuple[Edit, ...] = ()
    if written is not None:
        origin, edit = written
        fix, edits = shown(edit), (edit,)
    elif several:
        fix, edits = shown_all(several), several
    return Finding(
        kind=Kind.UNEXPECTED_JOIN,
        message=message,
        call_site=query.call_site,
        origin=origin,
        fix=fix,
        relation=_exists.relation_of(model, relations[0].path),
        queries=queries,
        sql_fragment=_fragment.join_fragment(query.sql, aliases),
        details={"case": name, "paths": [r.path for r in relations]},
        edits=edits,
    )


KIND = KindSpec(
    kind=Kind.UNEXPECTED_JOIN,
    label="unexpected join",
    plural="unexpected joins",
    detect=detect,
    claims=False,  # about one statement's shape or cost, not why it ran twice
)
