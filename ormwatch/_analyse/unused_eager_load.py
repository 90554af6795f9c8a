"""Related objects loaded eagerly that nothing read (Bullet's "unused eager loading").

Which relations were read comes from ``ormwatch._reads``: a flag per
``app.Model.relation`` for the whole recording (reading it anywhere, in a
view or a template, counts). A lookup is reported only with proof that it
loaded something: for ``select_related`` the populator filled the relation
(so a queryset that returned no rows is never reported); for
``prefetch_related`` the prefetch query for that level ran. Prefetches into
``to_attr`` lists cannot be watched and are never reported.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import Any

from ormwatch import _reads
from ormwatch._analyse import _fragment
from ormwatch._analyse._analysis import Analysis, builder_site, code_site, loaded_model
from ormwatch._analyse._spec import KindSpec
from ormwatch._finding import Finding
from ormwatch._fix import _chain, _compose, _source
from ormwatch._introspect import _relations
from ormwatch._kinds import Kind
from ormwatch._query import Query

# (method, lookup as written, the part of it to keep: "" to drop it)
Unused = tuple[str, str, str]


def detect(analysis: Analysis) -> Iterator[Finding]:
    groups: dict[tuple[object, ...], list[Query]] = {}
    found: dict[tuple[object, ...], Unused] = {}
    for query in analysis.queries:
        orm = query.orm
        if orm.kind != "query" or orm.relation_use is None or loaded_model(query) is None:
            continue
        model = _compose.model_class(orm.model)
        if model is None:
            continue
        use = dict(orm.relation_use)
        unused = _select_related(query, model, use) + _prefetch_related(analysis, query, model, use)
        for item in unused:
            key: tuple[object, ...] = (item[0], item[1], query.call_site)
            groups.setdefault(key, []).append(query)
            found[key] = item
            groups[key].extend(_prefetch_queries(analysis, query, item))
    for key, queries in groups.items():
        yield _finding(found[key], queries)


def _keys(model: Any, path: str) -> list[str] | None:
    hops = _relations.walk(model, path)
    return None if hops is None else [_reads.key(hop.model, hop.name) for hop in hops]


def _kept(path: str, keys: list[str], use: dict[str, int], proven: list[bool]) -> str | None:
    """The prefix of ``path`` that was read, when the first unread level provably loaded."""
    names = path.split("__")
    for level, key in enumerate(keys):
        if not use.get(key, 0) & _reads.READ:
            return "__".join(names[:level]) if proven[level] else None
    return None


def _select_related(query: Query, model: Any, use: dict[str, int]) -> list[Unused]:
    paths = [j.path for j in query.orm.joined if "select_related" in j.uses]
    found = []
    for path in paths:
        if any(other.startswith(path + "__") for other in paths):
            continue  # judged through its longest path
        keys = _keys(model, _accessors(model, path))
        if keys is None:
            continue
        proven = [bool(use.get(k, 0) & _reads.LOADED) for k in keys]
        kept = _kept(path, keys, use, proven)
        if kept is not None:
            found.append(("select_related", path, kept))
    return found


def _accessors(model: Any, path: str) -> str:
    # select_related paths use query names; relation keys use accessors.
    hops = _relations.walk(model, path, query_names=True)
    return path if hops is None else "__".join(_relations.accessor(h.field) for h in hops)


def _prefetch_related(
    analysis: Analysis, query: Query, model: Any, use: dict[str, int]
) -> list[Unused]:
    lookups = query.orm.prefetch_related
    ran = {q.orm.prefetch_lookup for q in _following_prefetches(analysis, query)}
    found = []
    for lookup in lookups:
        if any(other.startswith(lookup + "__") for other in lookups):
            continue
        keys = _keys(model, lookup)
        if keys is None:  # a to_attr name, or not a relation
            continue
        names = lookup.split("__")
        proven = ["__".join(names[: i + 1]) in ran for i in range(len(names))]
        kept = _kept(lookup, keys, use, proven)
        if kept is not None:
            found.append(("prefetch_related", lookup, kept))
    return found


def _following_prefetches(analysis: Analysis, query: Query) -> list[Query]:
    found = []
    for later in analysis.queries[query.index + 1 :]:
        if later.orm.kind != "prefetch":
            break
        found.append(later)
    return found


def _prefetch_queries(analysis: Analysis, query: Query, item: Unused) -> list[Query]:
    method, lookup, kept = item
    if method != "prefetch_related":
        return []
    return [
        q
        for q in _following_prefetches(analysis, query)
        if q.orm.prefetch_lookup
        and len(q.orm.prefetch_lookup) > len(kept)
        and (lookup + "__").startswith(q.orm.prefetch_lookup + "__")
    ]


def _finding(item: Unused, queries: list[Query]) -> Finding:
    method, lookup, kept = item
    main = queries[0]
    name = (main.orm.model or "Model").rsplit(".", 1)[-1]
    origin = builder_site(main, name) or code_site(main) or main.call_site
    chain = _chain.queryset_at(origin, name)
    if chain is not None and origin is not None:
        for link in chain.calls(method):
            args = [
                (k, f'"{kept}"' if _names(v, lookup) else v)
                for k, v in link.args or ()
                if kept or not _names(v, lookup)
            ]
            link.args = list(dict.fromkeys(args))  # "a", "a__b" -> "a", "a"
        chain.drop_empty(method)
        fix = chain.in_line(origin.line)
    else:
        fix = f'{name}.objects.{method}("{kept}")' if kept else f'# remove {method}("{lookup}")'
    names = lookup.split("__")
    levels = len(kept.split("__")) if kept else 0
    unread = ["__".join(names[: i + 1]) for i in range(levels, len(names))]
    var = name.lower()
    if method == "select_related":
        cost = f"joined {len(unread)} more table{'s' if len(unread) > 1 else ''} into every row"
    else:
        cost = f"ran {max(len(queries) - 1, 1)} more quer{'y' if len(queries) <= 2 else 'ies'}"
    message = (
        f'Unused eager load: {method}("{lookup}") {cost}, but nothing read '
        f"{var}.{unread[0].replace('__', '.')} in this request; "
        + (f'load only "{kept}"' if kept else "remove it")
    )
    joined = [j for j in main.orm.joined if j.path in unread]
    if method == "select_related":
        fragment = _fragment.join_fragment(main.sql, [a for j in joined for a in j.aliases])
    else:
        fragment = queries[1].sql if len(queries) > 1 else None
    return Finding(
        kind=Kind.UNUSED_EAGER_LOAD,
        message=message,
        call_site=main.call_site,
        origin=origin,
        fix=fix,
        queries=queries,
        saved_queries=len(queries) - 1 if method == "prefetch_related" else 0,
        sql_fragment=fragment,
        details={"method": method, "lookup": lookup, "kept": kept},
    )


def _names(source: str, lookup: str) -> bool:
    """Whether an argument's source is ``"lookup"`` or ``Prefetch("lookup", ...)``."""
    if _source.literal(source) == lookup:
        return True
    try:
        node = ast.parse(source, mode="eval").body
    except SyntaxError:
        return False
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "Prefetch"
        and bool(node.args)
        and isinstance(node.args[0], ast.Constant)
        and node.args[0].value == lookup
    )


KIND = KindSpec(
    kind=Kind.UNUSED_EAGER_LOAD,
    label="unused eager load",
    plural="unused eager loads",
    detect=detect,
    claims=False,  # about one statement's shape or cost, not why it ran twice
)
