"""A subquery Django wrote although the user did not ask for one.

A lazy QuerySet passed to a lookup (``blog__in=blogs``) is compiled into the
statement as ``IN (SELECT ...)``: reported when the same rows were also
fetched on their own (listed, then passed lazily), so the database finds
them twice; ``exclude()`` or
``~Q()`` across a multi-valued relation becomes ``NOT EXISTS (SELECT ...)``,
because "no related row matches" cannot be said with a join. Subqueries the
user wrote (``Subquery``, ``Exists``, ``OuterRef``) are never recorded as
implicit (``_introspect._subqueries``), so they are never reported.
"""

from __future__ import annotations

from collections.abc import Iterator

from ormwatch._analyse import _fragment
from ormwatch._analyse._analysis import ROW_METHODS, Analysis, builder_site, code_site
from ormwatch._analyse._spec import KindSpec
from ormwatch._finding import Finding
from ormwatch._fix import (
    _behind,
    _edit,
    _exclude_match,
    _exists,
    _lazy_in,
    _lookup_fixes,
    _partition,
)
from ormwatch._fix._edit import Edit
from ormwatch._kinds import Kind, Severity
from ormwatch._query import CallSite, ImplicitSubquery, Query


def detect(analysis: Analysis) -> Iterator[Finding]:
    groups: dict[tuple[object, ...], list[tuple[Query, ImplicitSubquery, int]]] = {}
    for query in analysis.built_by_user():
        if query.orm.kind == "write" or not query.orm.subqueries:
            continue
        for index, sub in enumerate(query.orm.subqueries):
            if sub.kind == "in_queryset" and not _fetched_alone(analysis, query, sub):
                continue  # run once, inside the statement: the subquery is the cheap way
            nth = sum(1 for s in query.orm.subqueries[:index] if s.table == sub.table)
            key = (sub.kind, sub.lookup, query.call_site, query.fingerprint)
            groups.setdefault(key, []).append((query, sub, nth))
    for items in groups.values():
        yield _finding(items)


def _fetched_alone(analysis: Analysis, query: Query, sub: ImplicitSubquery) -> bool:
    """Whether the rows of a lazy queryset given to ``__in`` were also fetched on their own.

    ``Tag.objects.filter(bookmark__in=bookmarks)`` is one statement whose
    subquery the database plans with the rest: written on purpose, and
    usually the cheap way. It is a waste when the same queryset was also
    evaluated by itself (its rows listed, then passed lazily to ``__in``): the
    database then finds the same rows twice. Seen as a statement of the same
    request segment over the subquery's model, fetching every row (not a
    COUNT(*), no LIMIT: a paginator's count and page are not the rows again),
    whose parameters appear in order among this statement's.
    """
    for other in analysis.queries:
        if other is query or other.segment != query.segment or other.orm.model != sub.model:
            continue
        if other.orm.method not in ROW_METHODS or " LIMIT " in other.sql.upper():
            continue  # a COUNT(*) or a page of the rows is not the rows fetched again
        if _within(query.params, other.params, bool(sub.conditions), other.sql):
            return True
    return False


def _within(outer: object, inner: object, conditions: bool, inner_sql: str) -> bool:
    if not isinstance(inner, (list, tuple)) or not inner:
        # No parameters: the same rows only if neither filters them.
        return not conditions and " WHERE " not in inner_sql.upper()
    if not isinstance(outer, (list, tuple)):
        return False
    size = len(inner)
    return any(list(outer[i : i + size]) == list(inner) for i in range(len(outer) - size + 1))


def _finding(items: list[tuple[Query, ImplicitSubquery, int]]) -> Finding:
    query, sub, nth = items[0]
    outer = (query.orm.model or "Model").rsplit(".", 1)[-1]
    related = sub.model.rsplit(".", 1)[-1]
    site = code_site(query)
    origin = builder_site(query, outer) or site or query.call_site
    edits: tuple[Edit, ...] = ()
    if sub.kind == "in_queryset":
        message = (
            f"Unexpected subquery: filter({sub.lookup}=...) was given a lazy {related} "
            f"queryset, so Django runs it inside this statement as IN (SELECT ... FROM "
            f"{sub.table}); "
        )
        listed = _in_fix(query, sub, origin)
        if listed is not None and len(listed[1]) > 1:
            message += (
                f"the {related} rows were fetched only for a lookup dict: filter across the "
                f"relation and read the {related} field through select_related() instead"
            )
            origin, edits = listed
            fix = _edit.shown_all(edits)
        elif listed is not None:
            message += "pass the rows it already has, or join"
            origin, edits = listed
            fix = _edit.shown(edits[0])
        else:
            fix = None
            message += (
                f"when the {related} rows are few, evaluate them first with list() (one "
                "query more, a plain IN list), or filter across the relation instead"
            )
        relation = None
    else:
        message = (
            f"Unexpected subquery: exclude() / ~Q() on {sub.lookup} crosses the multi-valued "
            f'relation {outer}.{sub.relation}; "no {related} matches" cannot be a join, so '
            f"Django adds NOT EXISTS (SELECT ... FROM {sub.table}). Write the "
            f"~Exists() yourself (the same rows), or, if you meant to keep every {outer} and "
            f"hide the matching {related} rows, prefetch them with a Prefetch() whose queryset "
            "excludes them"
        )
        # Filtered and excluded by one condition: the warning on the filter() half
        # carries the same partition, so the patch has one edit per statement.
        parted = _partition.split(code_site(query), origin, query.orm.model or "", sub.relation)
        excluded = _exclude_fix(query, sub, origin) if parted is None else None
        fix = None
        if parted is not None:
            origin, edits, base = parted
            fix = _edit.shown_all(edits)
            message += "; " + _partition.note(base, outer)
        elif excluded is not None:
            origin, edits = excluded
            fix = _edit.shown(edits[0]) if len(edits) == 1 else _edit.shown_all(edits)
        relation = _exists.relation_of(query.orm.model, sub.relation)
    return Finding(
        kind=Kind.UNEXPECTED_SUBQUERY,
        message=message,
        # NOT EXISTS is the right SQL for exclude() across a multi-valued relation:
        # the finding explains which rows it keeps, and its rewrite keeps them too.
        severity=Severity.INFO if sub.kind == "exclude" else Severity.WARNING,
        call_site=query.call_site,
        origin=origin,
        fix=fix,
        relation=relation,
        queries=[q for q, _, _ in items],
        sql_fragment=_fragment.subquery_fragment(query.sql, sub.table, sub.kind, nth),
        details={"subquery": sub.to_dict()},
        edits=edits,
    )


def _in_fix(
    query: Query, sub: ImplicitSubquery, origin: CallSite | None
) -> tuple[CallSite, tuple[Edit, ...]] | None:
    """The join read through where the rows served only a lookup dict, else
    ``rel__in=list(rows)`` or the inner filters behind the relation, where it is written."""
    site = code_site(query) or origin
    if site is None:
        return None
    codes = _behind.statements_behind(site) + _behind.statements_behind(origin)
    model = query.orm.model or ""
    for code in codes:
        edits = _lookup_fixes.through_lookup(code, model, sub)
        if edits:
            return _behind.site_of(code, site), edits
    for code in codes:
        edit = _lazy_in.rewritten(code, model, sub)
        if edit is not None:
            return _behind.site_of(code, site), (edit,)
    return None


def _exclude_fix(
    query: Query, sub: ImplicitSubquery, origin: CallSite | None
) -> tuple[CallSite, tuple[Edit, ...]] | None:
    """``exclude(rel__x=v)`` / ``~Q(rel__x=v)`` as ``~Exists(...)``, in each statement that
    wrote one of the finding's subqueries."""
    site = code_site(query) or origin
    if site is None:
        return None
    codes = _behind.statements_behind(site) + _behind.statements_behind(origin)
    found = _exclude_match.rewrites(query, sub, codes)
    if not found:
        return None
    return _behind.site_of(found[0][0], site), tuple(edit for _, edit in found)


KIND = KindSpec(
    kind=Kind.UNEXPECTED_SUBQUERY,
    label="subquery",
    plural="subqueries",
    detect=detect,
    claims=False,  # about one statement's shape or cost, not why it ran twice
)
