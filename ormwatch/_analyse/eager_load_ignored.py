"""``select_related()`` / ``prefetch_related()`` that ``values()`` silently dropped.

``values()`` and ``values_list()`` return rows, not model instances, so there
is nothing to attach related objects to. On Django 5.2, 6.0 and 6.1 alike:

- ``prefetch_related(...).values()`` and ``values().prefetch_related(...)``
  run no prefetch query and raise nothing; the lookups stay on the QuerySet,
  so the recorded statement proves it.
- ``select_related(...).values()`` clears ``select_related`` without a word
  (an invalid path like ``"post__title"`` is never even checked);
  ``values().select_related()`` raises ``TypeError``. Nothing of it survives
  on the query, so it is reported only when the source proves it: the
  queryset chain at the call site (or the line that built it) calls
  ``select_related`` before ``values`` / ``values_list``.
"""

from __future__ import annotations

from collections.abc import Iterator

from ormwatch._analyse._analysis import Analysis, code_site
from ormwatch._analyse._spec import KindSpec
from ormwatch._finding import Finding
from ormwatch._fix import _chain, _compose, _edit, _lookup_fixes, _source
from ormwatch._introspect import _relations
from ormwatch._kinds import Kind
from ormwatch._query import CallSite, Query, Relation

_VALUES = ("values", "values_list")


def detect(analysis: Analysis) -> Iterator[Finding]:
    groups: dict[tuple[object, ...], list[Query]] = {}
    found: dict[tuple[object, ...], tuple[str, tuple[str, ...], _chain.Chain | None]] = {}
    chains: dict[tuple[object, str], _chain.Chain | None] = {}  # source read once per site
    for query in analysis.built_by_user():
        orm = query.orm
        # Library code that runs values() on the user's queryset (the admin's
        # date_hierarchy calls dates()) dropped a prefetch the user needs elsewhere.
        if orm.kind != "query" or not orm.values or not orm.model or orm.library_caller:
            continue
        name = orm.model.rsplit(".", 1)[-1]
        site = (query.call_site, name)
        if site not in chains:
            chains[site] = _chain_of(query, name)
        chain = chains[site]
        dropped: list[tuple[str, tuple[str, ...]]] = []
        if orm.prefetch_related:
            dropped.append(("prefetch_related", orm.prefetch_related))
        selected = _select_related_before_values(chain)
        if selected:
            dropped.append(("select_related", selected))
        for method, lookups in dropped:
            key: tuple[object, ...] = (method, lookups, query.call_site, query.fingerprint)
            groups.setdefault(key, []).append(query)
            found[key] = (method, lookups, chain)
    for key, queries in groups.items():
        yield _finding(*found[key], queries)


def _chain_of(query: Query, name: str) -> _chain.Chain | None:
    site = code_site(query)
    chain = _chain.queryset_at(site, name)
    if chain is None or not set(chain.methods()) & set(_VALUES):
        builder = _compose.builder_line(site, name)
        chain = _chain.queryset_at(builder, name) if builder is not site else None
    return chain


def _select_related_before_values(chain: _chain.Chain | None) -> tuple[str, ...]:
    if chain is None:
        return ()
    methods = chain.methods()
    values_at = [i for i, m in enumerate(methods) if m in _VALUES]
    if not values_at or "select_related" not in methods[: values_at[-1]]:
        return ()
    return tuple(v for link in chain.calls("select_related") for _, v in link.args or ()) or ("",)


def _finding(
    method: str, lookups: tuple[str, ...], chain: _chain.Chain | None, queries: list[Query]
) -> Finding:
    query = queries[0]
    name = (query.orm.model or "Model").rsplit(".", 1)[-1]
    site = code_site(query)
    origin = _origin(chain, site, name)
    shown = ", ".join(f'"{x}"' if method == "prefetch_related" else x for x in lookups if x)
    if method == "prefetch_related":
        what = "runs no prefetch query"
    else:
        what = "adds no JOIN (and its paths are never checked)"
    message = (
        f"Eager load ignored: {method}({shown}) on a values() / values_list() queryset {what}: "
        f"those return rows, not {name} objects, so there is nothing to attach related "
        f"objects to; drop it, or name the related fields in values()"
    )
    edits: tuple[_edit.Edit, ...] = ()
    fix: str | None = None  # the message says what to do: no statement to rewrite was found
    joined = _through_lookup(chain, query, lookups) if method == "select_related" else None
    if joined:
        message += (
            "; values() now names the field a lookup dict fetched on its own, and the dict goes"
        )
        edits, fix = joined, _edit.shown_all(joined)
    elif chain is not None and origin is not None:
        kept = chain.without(method)
        fix = kept.in_line(origin.line)
        edit = kept.edit()
        edits = (edit,) if edit is not None else ()
    # select_related's lookups are read from the source: string literals, quotes and all.
    names = [x if method == "prefetch_related" else _source.literal(x) for x in lookups if x]
    path = next((n for n in names if isinstance(n, str)), None)
    return Finding(
        kind=Kind.EAGER_LOAD_IGNORED,
        message=message,
        call_site=query.call_site,
        origin=origin,
        fix=fix,
        relation=_last_hop(query.orm.model, path, method == "select_related"),
        path=path,
        queries=queries,
        sql_fragment=query.sql.split(" FROM ", 1)[0] if " FROM " in query.sql else None,
        details={"method": method, "lookups": list(lookups)},
        edits=edits,
    )


def _through_lookup(
    chain: _chain.Chain | None, query: Query, lookups: tuple[str, ...]
) -> tuple[_edit.Edit, ...] | None:
    """The fix that names the field a lookup dict read in ``values()`` (``_lookup_fixes``)."""
    model = _compose.model_class(query.orm.model)
    paths = [_source.literal(x) for x in lookups if x]
    fks = [p.split("__")[0] for p in paths if isinstance(p, str)]
    if chain is None or model is None or not fks:
        return None
    return _lookup_fixes.values_instead(chain, model, fks)


def _origin(chain: _chain.Chain | None, site: CallSite | None, name: str) -> CallSite | None:
    if chain is None or site is None:
        return site
    line = chain.node.lineno
    if line == site.line:
        return site
    return _compose.builder_line(site, name) or site


KIND = KindSpec(
    kind=Kind.EAGER_LOAD_IGNORED,
    label="eager load ignored",
    plural="eager loads ignored",
    detect=detect,
    claims=False,  # about one statement's shape or cost, not why it ran twice
)


def _last_hop(label: str | None, path: str | None, query_names: bool) -> Relation | None:
    hops = _relations.walk(_compose.model_class(label), path, query_names) if path else None
    return _relations.relation(hops[-1].model, hops[-1].field) if hops else None
