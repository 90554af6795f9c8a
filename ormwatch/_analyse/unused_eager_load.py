"""Related objects loaded eagerly that nothing read (Bullet's "unused eager loading").

Which relations were read, and when, comes from ``ormwatch._reads`` (reading
one anywhere, in a view or a template, counts). A lookup is reported only with
proof that it loaded something worth removing: the first unread level was
filled for at least two parent objects (the populator filled a related row,
or the prefetch query for that level ran for them), so a page that served one
object or none is never reported; and nothing read it after the statement
ran and within its request (a read in a test's set-up, or in another request
of the test, is not a read of these rows). A statement that ran in a request
answered with a 4xx or 5xx status is not reported: the page stopped before
reading. Prefetches into ``to_attr`` lists cannot be watched and are never
reported, nor is a fix that would leave the line as it is.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from typing import Any

from ormwatch import _reads
from ormwatch._analyse import _fragment
from ormwatch._analyse._analysis import Analysis, builder_site, code_site, loaded_model
from ormwatch._finding import Finding
from ormwatch._fix import _chain, _compose, _source
from ormwatch._introspect import _relations
from ormwatch._kinds import Kind
from ormwatch._query import Query, Relation, RelationUse

# (method, lookup as written, the part of it to keep: "" to drop it,
# the relation of its first unread level)
Unused = tuple[str, str, str, Relation | None]
MIN_PARENTS = 2


def detect(analysis: Analysis) -> Iterator[Finding]:
    groups: dict[tuple[object, ...], list[Query]] = {}
    found: dict[tuple[object, ...], Unused] = {}
    for query in analysis.built_by_user():
        orm = query.orm
        if orm.kind != "query" or orm.relation_use is None or loaded_model(query) is None:
            continue
        model = _compose.model_class(orm.model)
        if model is None:
            continue
        use = orm.relation_use
        if isinstance(use, RelationUse) and use.failed(query.tick):
            continue  # an error page: it stopped before reading
        unused = _select_related(query, model, use) + _prefetch_related(analysis, query, model, use)
        for item in unused:
            key: tuple[object, ...] = (item[0], item[1], query.call_site)
            groups.setdefault(key, []).append(query)
            found[key] = item
            groups[key].extend(_prefetch_queries(analysis, query, item))
    for key, queries in groups.items():
        finding = _finding(found[key], queries)
        if finding is not None:
            yield finding


def _keys(model: Any, path: str) -> list[str] | None:
    keys = []
    for name in path.split("__"):
        field = _relations.find(model, name) if model is not None else None
        if field is None or not getattr(field, "is_relation", False):
            return None
        keys.append(_reads.key(model, name))
        related = field.related_model
        model = related if isinstance(related, type) else None
    return keys


def _read(use: Mapping[str, int], key: str, query: Query) -> bool:
    if isinstance(use, RelationUse):
        return use.read_after(key, query.tick)
    return bool(use.get(key, 0) & _reads.READ)


def _kept(keys: list[str], use: Mapping[str, int], query: Query, proven: list[bool]) -> int | None:
    """How many levels were read, when the first unread level provably loaded."""
    for level, key in enumerate(keys):
        if not _read(use, key, query):
            return level if proven[level] else None
    return None


def _relation(model: Any, path: str, level: int) -> Relation | None:
    """The relation of ``path``'s level ``level`` (0 is the first hop from ``model``)."""
    field = owner = None
    for name in path.split("__")[: level + 1]:
        field = _relations.find(model, name) if model is not None else None
        if field is None:
            return None
        owner, related = model, field.related_model
        model = related if isinstance(related, type) else None
    return _relations.relation(owner, field) if field is not None else None


def _item(method: str, model: Any, path: str, accessors: str, level: int) -> Unused:
    return (method, path, "__".join(path.split("__")[:level]), _relation(model, accessors, level))


def _select_related(query: Query, model: Any, use: Mapping[str, int]) -> list[Unused]:
    paths = [j.path for j in query.orm.joined if "select_related" in j.uses]
    found = []
    for path in paths:
        if any(other.startswith(path + "__") for other in paths):
            continue  # judged through its longest path
        accessors = _accessors(model, path)
        keys = _keys(model, accessors)
        if keys is None:
            continue
        if isinstance(use, RelationUse):
            proven = [use.parents(k, query.tick) >= MIN_PARENTS for k in keys]
        else:
            proven = [bool(use.get(k, 0) & _reads.LOADED) for k in keys]
        level = _kept(keys, use, query, proven)
        if level is not None:
            found.append(_item("select_related", model, path, accessors, level))
    return found


def _accessors(model: Any, path: str) -> str:
    # select_related paths use query names; relation keys use accessors.
    names = []
    for name in path.split("__"):
        field = next((f for f in model._meta.get_fields() if f.name == name), None)
        if field is None:
            return path
        names.append(_relations.accessor(field))
        model = field.related_model
    return "__".join(names)


def _prefetch_related(
    analysis: Analysis, query: Query, model: Any, use: Mapping[str, int]
) -> list[Unused]:
    lookups = query.orm.prefetch_related
    ran = {q.orm.prefetch_lookup: q for q in _following_prefetches(analysis, query)}
    found = []
    for lookup in lookups:
        if any(other.startswith(lookup + "__") for other in lookups):
            continue
        keys = _keys(model, lookup)
        if keys is None:  # a to_attr name, or not a relation
            continue
        names = lookup.split("__")
        ran_for = [ran.get("__".join(names[: i + 1])) for i in range(len(names))]
        proven = [
            q is not None
            and (not isinstance(use, RelationUse) or use.parents(k, q.tick) >= MIN_PARENTS)
            for q, k in zip(ran_for, keys, strict=True)
        ]
        level = _kept(keys, use, query, proven)
        if level is not None:
            found.append(_item("prefetch_related", model, lookup, lookup, level))
    return found


def _following_prefetches(analysis: Analysis, query: Query) -> list[Query]:
    found = []
    for later in analysis.queries[query.index + 1 :]:
        if later.orm.kind != "prefetch":
            break
        found.append(later)
    return found


def _prefetch_queries(analysis: Analysis, query: Query, item: Unused) -> list[Query]:
    method, lookup, kept, _ = item
    if method != "prefetch_related":
        return []
    return [
        q
        for q in _following_prefetches(analysis, query)
        if q.orm.prefetch_lookup
        and len(q.orm.prefetch_lookup) > len(kept)
        and (lookup + "__").startswith(q.orm.prefetch_lookup + "__")
    ]


def _finding(item: Unused, queries: list[Query]) -> Finding | None:
    method, lookup, kept, relation = item
    main = queries[0]
    name = (main.orm.model or "Model").rsplit(".", 1)[-1]
    origin = builder_site(main, name) or code_site(main) or main.call_site
    chain = _chain.queryset_at(origin, name)
    edit = None
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
        edit = chain.edit()
        if fix.strip() == _source.without_comment(origin.code).strip():
            return None  # the eager load is not on this line: nothing to write here
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
        kind=Kind.UNUSED_EAGER_LOAD.value,
        message=message,
        call_site=main.call_site,
        origin=origin,
        fix=fix,
        relation=relation,
        queries=queries,
        saved_queries=len(queries) - 1 if method == "prefetch_related" else 0,
        sql_fragment=fragment,
        details={"method": method, "lookup": lookup, "kept": kept},
        edits=(edit,) if edit is not None else (),
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
