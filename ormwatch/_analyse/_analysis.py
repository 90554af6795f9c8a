"""What every detector is handed: the queries, the settings, and shared attribution."""

from __future__ import annotations

import inspect
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from ormwatch._conf import Settings
from ormwatch._fix import _compose, _view_origin
from ormwatch._query import CallSite, Query
from ormwatch._stack import _callsite, _viewsite

# Methods whose result is model instances (so later lazy loads hang off them).
ROW_METHODS = frozenset(
    {
        "iterate",
        "len",
        "bool",
        "getitem",
        "get",
        "first",
        "last",
        "earliest",
        "latest",
        "in_bulk",
        "iterator",
        "get_or_create",
        "update_or_create",
    }
)
LOADS = frozenset({"lazy_load", "deferred_load", "related_manager"})


@dataclass
class Analysis:
    """One report's queries under analysis.

    ``claimed`` holds the indices of queries an earlier detector already
    explained, so later detectors (duplicates) do not report them twice.
    """

    queries: Sequence[Query]
    settings: Settings
    claimed: set[int] = field(default_factory=set)
    _loaders: dict[int, tuple[Query, str]] | None = None
    _built_by_user: list[Query] | None = None
    _prefetches: dict[tuple[int, str], int] | None = None

    def built_by_user(self) -> list[Query]:
        """The queries whose querysets the user's code built: what shape findings are about.

        Leaves out what library code built and ran over a model of its own
        (``ModelBackend`` reading permissions for ``{% if perms... %}``):
        nothing at the user's line could change it.
        """
        if self._built_by_user is None:
            self._built_by_user = [q for q in self.queries if not built_by_library(q)]
        return self._built_by_user

    def loader(self, query: Query) -> Query | None:
        """The query that loaded the instance whose relation ``query`` reads."""
        found = self._index().get(query.index)
        return found[0] if found else None

    def loader_path(self, query: Query) -> str:
        """The ``select_related`` path by which the loader produced that instance.

        ``""`` when it is one of the loader's own rows; ``"category"`` when
        ``Post.objects.select_related("category")`` produced the Category.
        """
        found = self._index().get(query.index)
        return found[1] if found else ""

    def prefetched(self, query: Query) -> bool:
        """``query`` is a related-manager call that bypassed a prefetch of its relation.

        Django marks a prefetched reverse FK or many-to-many on the manager's
        queryset (``OrmContext.prefetched``); a generic relation's manager
        keeps no trace of its instance, so for it: the same relation was
        prefetched earlier in the request segment, and the call site calls a
        manager method other than ``all()`` on it (``post.comments.filter(...)``).
        """
        orm = query.orm
        if orm.kind != "related_manager" or orm.relation is None:
            return False
        if orm.prefetched:
            return True
        if orm.relation.kind != "generic_relation" or query.call_site is None:
            return False
        if self._prefetches is None:
            self._prefetches = {}
            for q in self.queries:
                if q.orm.kind == "prefetch" and q.orm.relation is not None:
                    self._prefetches.setdefault((q.segment, str(q.orm.relation)), q.index)
        first = self._prefetches.get((query.segment, str(orm.relation)))
        if first is None or first > query.index:
            return False
        called = re.search(rf"\.{re.escape(orm.relation.field)}\.(\w+)\(", query.call_site.code)
        return called is not None and called.group(1) != "all"

    def prefetching_query(self, loader: Query | None) -> Query | None:
        """The queryset whose ``prefetch_related()`` ran ``loader``, a prefetch query, if plain.

        None when the lookup went through a ``Prefetch()`` with its own queryset:
        a plain lookup beside it would clash with it ("already seen with a
        different queryset"), so no eager fix is written there.
        """
        if loader is None or loader.orm.kind != "prefetch" or not loader.orm.prefetch_lookup:
            return None
        lookup = loader.orm.prefetch_lookup
        for query in reversed(self.queries[: loader.index]):
            orm = query.orm
            if orm.kind == "query" and any(
                p == lookup or p.startswith(f"{lookup}__") or lookup.startswith(f"{p}__")
                for p in orm.prefetch_related
            ):
                if any(lookup == p or lookup.startswith(f"{p}__") for p in orm.prefetch_querysets):
                    return None
                return query
        return None

    def _index(self) -> dict[int, tuple[Query, str]]:
        if self._loaders is None:
            self._loaders = _index_loaders(self.queries)
        return self._loaders


def _index_loaders(queries: Sequence[Query]) -> dict[int, tuple[Query, str]]:
    # One pass: remember the latest query that produced instances of each
    # model, and by which select_related path; a later load on an instance of
    # that model hangs off it. Only within a request segment: a test looping
    # over the rows it created is not reading what a request it made loaded.
    last: dict[str, tuple[Query, str]] = {}
    found: dict[int, tuple[Query, str]] = {}
    segment = None
    for query in queries:
        if query.segment != segment:
            segment, last = query.segment, {}
        orm = query.orm
        if orm.relation is not None and (
            orm.kind in LOADS or (orm.kind == "prefetch" and orm.instance_pk is not None)
        ):
            loader = last.get(orm.relation.model)
            if loader is not None:
                found[query.index] = loader
        loaded = loaded_model(query)
        if handed_over(query) and orm.model:
            # A delete collecting rows (a cascade): their signal handlers get
            # these instances, not an earlier query's.
            last[orm.model] = (query, "")
        elif loaded is not None:
            for joined in orm.joined:
                if "select_related" in joined.uses:
                    last[joined.model] = (query, joined.path)
            last[loaded] = (query, "")
    return found


def loaded_model(query: Query) -> str | None:
    """The model whose instances this query produced, if it produced any."""
    orm = query.orm
    if orm.kind == "lazy_load":
        if orm.relation is not None and orm.relation.related_model:
            return orm.relation.related_model
        return orm.model
    if orm.kind == "prefetch":
        return orm.model
    if orm.kind in ("query", "related_manager") and not orm.values and orm.method in ROW_METHODS:
        return orm.model
    return None


def handed_over(query: Query | None) -> bool:
    """``query`` is Django collecting rows for a delete, handed to signal handlers one by one."""
    return query is not None and query.orm.kind == "query" and query.orm.method == "delete"


def code_site(query: Query | None) -> CallSite | None:
    """The Python line behind a query: the view, when a template triggered it."""
    if query is None:
        return None
    for site in query.stack:
        if site.kind == "python":
            return site
    return query.call_site


def ran_by_library(query: Query) -> bool:
    """Library code inside a view ran ``query``: its call site is the view's definition."""
    return query.view is not None and query.call_site == _viewsite.site(query.view)


def builder_site(query: Query | None, model_name: str) -> CallSite | None:
    """The line that builds the ``model_name`` queryset ``query`` ran, if it can be found.

    Above the Python line behind the query in the same function or, when only
    templates were on the stack, in the view that returned them (``_views``).
    """
    found = _compose.builder_line(code_site(query), model_name)
    if found is None and query is not None and query.view is not None:
        found = _view_origin.builder(query.view, model_name)
    return found


def built_by_library(query: Query) -> bool:
    """Library code ran ``query`` over a model of an installed package: it built it too."""
    return query.orm.library_caller and not _users_model(query.orm.model)


@lru_cache(maxsize=256)
def _users_model(label: str | None) -> bool:
    model = _compose.model_class(label)
    if model is None:
        return True  # unknown: the user's, as before
    module = inspect.getmodule(model)
    return _callsite.is_user_file(getattr(module, "__file__", "") or "")
