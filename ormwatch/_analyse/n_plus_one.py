"""N+1: the same lazy load repeated once per instance of a list.

Loads group by (request segment, fingerprint, relation, call site). A group is an N+1 when it
touched at least ``N_PLUS_ONE_THRESHOLD`` distinct instances. A group whose
instances were produced by another N+1 group (``post.category.blog`` in one
loop) is folded into it, so the finding names the combined path once.
"""

from __future__ import annotations

from collections.abc import Iterator

import django

from ormwatch._analyse import _chained, _gets, _loop, _runs, _served, _testcode
from ormwatch._analyse._analysis import Analysis, builder_site, code_site, handed_over
from ormwatch._analyse._spec import KindSpec
from ormwatch._finding import Finding
from ormwatch._fix import _compose, _count, _view_origin
from ormwatch._fix._edit import Edit
from ormwatch._kinds import Kind
from ormwatch._query import Query

Key = tuple[int, object, str, str, object]


def detect(analysis: Analysis) -> Iterator[Finding]:
    groups = _groups(analysis)
    group_of = {q.index: key for key, queries in groups.items() for q in queries}
    parent: dict[Key, Key] = {}
    for key, queries in groups.items():
        loader = analysis.loader(queries[0])
        owner = group_of.get(loader.index) if loader is not None else None
        if owner is not None and owner != key and queries[0].orm.kind != "deferred_load":
            parent[key] = owner
    for key in groups:
        if key in parent:
            continue
        family = [key, *_descendants(key, parent)]
        yield _finding(analysis, key, family, groups, parent)
    yield from _chained.detect(analysis, set(group_of))
    yield from _gets.detect(analysis)


def _groups(analysis: Analysis) -> dict[Key, list[Query]]:
    groups: dict[Key, list[Query]] = {}
    for query in analysis.queries:
        orm = query.orm
        if orm.relation is None or query.call_site is None or orm.batched:
            continue
        if analysis.prefetched(query):
            continue  # prefetch_bypassed explains these
        if orm.kind == "prefetch":
            # prefetch_related_objects([obj], "rel") once per object of a loop (the
            # instance key is set only for such a call): a load like any other.
            if orm.instance_pk is None or not _loop.repeats(query):
                continue
        elif orm.kind not in ("lazy_load", "deferred_load", "related_manager"):
            continue
        # Per request segment: three requests of one test, each loading one row, are
        # no N+1; nor are four test lines each calling a helper on one row.
        test = _testcode.test_line(query)
        key = (query.segment, test, query.fingerprint, str(orm.relation), query.call_site)
        groups.setdefault(key, []).append(query)
    threshold = analysis.settings.n_plus_one_threshold
    return {
        key: queries
        for key, queries in groups.items()
        if len({q.orm.instance_pk for q in queries}) >= threshold and not _library_loop(queries)
    }


def _library_loop(queries: list[Query]) -> bool:
    """A library API the user's line called once (an importer) loaded row by row inside it."""
    return all(q.library_call for q in queries) and not _loop.repeats(queries[0])


def _descendants(key: Key, parent: dict[Key, Key]) -> list[Key]:
    children = [k for k, p in parent.items() if p == key]
    return [d for c in children for d in (c, *_descendants(c, parent))]


def _path(
    key: Key, family_root: Key, parent: dict[Key, Key], groups: dict[Key, list[Query]]
) -> str:
    names = []
    current: Key | None = key
    while current is not None:
        relation = groups[current][0].orm.relation
        assert relation is not None
        names.append(relation.field)
        current = parent.get(current) if current != family_root else None
    return "__".join(reversed(names))


def _finding(
    analysis: Analysis,
    root: Key,
    family: list[Key],
    groups: dict[Key, list[Query]],
    parent: dict[Key, Key],
) -> Finding:
    first = groups[root][0]
    relation = first.orm.relation
    assert relation is not None
    queries = sorted((q for k in family for q in groups[k]), key=lambda q: q.index)
    loader = analysis.loader(first)
    # Instances a select_related() produced: the fix extends the loader's path.
    joined = analysis.loader_path(first)
    prefix = joined if first.orm.kind != "deferred_load" else ""
    # A deferred field of a select_related() object is written from the loader's model too.
    root_model = loader.orm.model if joined and loader and loader.orm.model else relation.model
    prefetched_by = (
        analysis.prefetching_query(loader) if first.orm.kind != "deferred_load" else None
    )
    if prefetched_by is not None and loader is not None and prefetched_by.orm.model:
        # Instances a prefetch produced: the fix extends the queryset's own lookup
        # (prefetch_related("pizzas") -> "pizzas__toppings"), where that queryset is built.
        prefix, loader = str(loader.orm.prefetch_lookup), prefetched_by
        root_model = prefetched_by.orm.model
    name = root_model.rsplit(".", 1)[-1]
    origin = builder_site(loader, name) or code_site(loader)
    count = len(queries)
    fix: str | None
    edit: Edit | None = None
    counted: _count.Counted | _count.Refused | None = None
    if handed_over(loader):
        # A delete handed the rows to a signal handler one by one: no queryset
        # of the user's loaded them, so there is no line to fix.
        origin = fix = None
        saved = 0
        how = (
            "a delete() handed each row to a signal handler and no queryset of yours "
            "loaded them: load what the handler needs once, before the delete"
        )
        what = str(relation)
        path = relation.field
    elif first.orm.kind == "deferred_load":
        only, defer = (loader.orm.only, loader.orm.defer) if loader else ((), ())
        # A field of a select_related() object: "author__username" from the origin's model.
        path = f"{joined}__{relation.field}" if joined else relation.field
        written = _compose.deferred(root_model, path, only, defer, origin)
        fix, edit = written.code, written.edit
        how = f'load "{path}" with the rows: add it to only() or drop it from defer()'
        saved = count
        what = f"the deferred field {relation}"
    else:
        # One path per leaf of the family: post.category.blog -> "category__blog".
        leaves = [k for k in family if k not in parent.values()]
        paths = [_path(k, root, parent, groups) for k in leaves]
        paths = [f"{prefix}__{p}" if prefix else p for p in paths]
        # The relation that repeats deepest: Category.blog for post.category.blog.
        relation = groups[leaves[0]][0].orm.relation or relation
        path = paths[0]
        eager = _compose.eager(root_model, paths, origin)
        fix = eager.code if eager else None
        edit = eager.edit if eager else None
        if eager and loader is not None and _view_origin.is_admin(loader.view):
            line, fix = _view_origin.admin_fix(
                loader.view, eager.select_related, eager.prefetch_related
            )
            origin, edit = line or origin, None
        # A prefetch runs its queries each time its queryset runs: once per loader statement.
        grouped = {q.index for group in groups.values() for q in group}
        runs = _runs.loader_runs(analysis, groups[root], grouped)
        saved = count - (eager.extra_queries * runs if eager else 0)
        how = _how(eager)
        what = " and ".join(f"{root_model}.{p}" for p in paths)
        uncached = next(filter(None, (_served.uncached_call(groups[k][0]) for k in family)), None)
        if len(family) == 1 and not prefix:  # c.product_set.filter(...).count() per company
            counted = _count.per_object(first, loader, origin)
        if isinstance(counted, _count.Counted):
            fix, edit, saved = counted.code, None, count
            how = (
                f"count them in the {name} query: annotate({counted.annotation}) where it is "
                f"built, and read {counted.read} in the loop"
            )
        elif uncached is not None:
            # pizza.toppings.filter(...) per pizza: a prefetch would run beside the same loop.
            fix, edit, saved = None, None, 0
            how = (
                f"a prefetch would not help: {uncached}() on a related manager queries even "
                f'when the relation is prefetched (only all() reads the cache); prefetch "{path}" '
                f"and do the {uncached}() in Python over all(), or give a Prefetch() a queryset "
                f"that does it and a to_attr, and read that attribute in the loop"
            )
        elif eager is not None and _runs.batches_nothing(count, runs, eager):
            # Pizza.objects.get(pk=pk) once per item: a prefetch on it batches nothing.
            fix, edit, saved = None, None, 0
            how = _runs.advice(name, loader, eager)
        if isinstance(counted, _count.Refused):
            how += f"; {counted.advice()}"
    # Fetch modes batch single-object loads only (a foreign key, a one-to-one);
    # a related manager runs its own query whatever the mode (Django's docs say so).
    single = first.orm.relation is not None and not first.orm.relation.multi_valued
    batchable = (
        single and first.orm.kind != "deferred_load" and not isinstance(counted, _count.Counted)
    )
    if django.VERSION >= (6, 1) and batchable and fix is not None:
        how += f"; or let Django batch them: {name}.objects.fetch_mode(models.FETCH_PEERS)"
    message = (
        f"N+1: {count} queries loading {what} "
        f"({sum(q.duration_ms for q in queries):.1f} ms), one per {name}; {how}"
    )
    return Finding(
        kind=Kind.N_PLUS_ONE,
        message=message,
        call_site=first.call_site,
        origin=origin,
        fix=fix,
        relation=relation,
        path=path,
        queries=queries,
        saved_queries=max(saved, 0),
        loop_site=_loop.loop_site(first),
        edits=counted.edits if isinstance(counted, _count.Counted) else (edit,) if edit else (),
    )


def _how(eager: _compose.EagerFix | None) -> str:
    if eager is None:
        return "load the relation with the list"
    parts = []
    if eager.select_related:
        parts.append(f"join with select_related({_compose.quoted(eager.select_related)})")
    if eager.prefetch_related:
        parts.append(f"batch with prefetch_related({_compose.quoted(eager.prefetch_related)})")
    return " and ".join(parts)


KIND = KindSpec(
    kind=Kind.N_PLUS_ONE,
    label="N+1",
    plural="N+1",
    detect=detect,
)
