"""How many times the statement an N+1's eager-load fix would change ran.

A ``prefetch_related()`` runs one query per level each time its queryset is
evaluated. Spliced into a ``get()`` that runs once per item of the loop
(``pizza = Pizza.objects.get(pk=pk)`` then ``pizza.toppings.all()``), it
runs once per item too and batches nothing: no edit is written then, and the
message says to fetch the rows in one query before the loop, in words (the
loop's items may be a generator read once, and a lookup by key raises
``KeyError``, not ``DoesNotExist``).
"""

from __future__ import annotations

from ormwatch._analyse._analysis import Analysis
from ormwatch._fix import _compose
from ormwatch._query import Query

# QuerySet methods that give one instance per statement.
_ONE_ROW = frozenset(
    {"get", "first", "last", "earliest", "latest", "get_or_create", "update_or_create"}
)


def loader_runs(analysis: Analysis, loads: list[Query], grouped: set[int]) -> int:
    """How many times the statements that produced the instances ``loads`` read ran.

    The distinct loaders of the loads (one N+1 group). For a loader that
    gives one row a statement, every statement its line ran: a prefetch there
    runs for each row, read or not, and a ``get()`` in a comprehension before
    the loop has all the loads hang off its last statement. A loader that is
    itself an N+1 load (``grouped``) does not count: a relation to the same
    model (``user.following.all()`` per user) looks as if each load produced
    the next instance.
    """
    loaders = {
        q.index: q
        for q in filter(None, (analysis.loader(q) for q in loads))
        if q.index not in grouped
    }
    sites = {_site(q) for q in loaders.values() if _one_row(q)}
    site_runs = sum(1 for q in analysis.queries if _site(q) in sites)
    return max(len(loaders), site_runs, 1)


def _site(query: Query) -> tuple[int, object, str]:
    return (query.segment, query.call_site, query.fingerprint)


def _one_row(query: Query) -> bool:
    orm = query.orm
    return orm.kind in ("query", "related_manager") and orm.method in _ONE_ROW


def batches_nothing(count: int, runs: int, eager: _compose.EagerFix) -> bool:
    """The eager fix would run at least as many queries as the ``count`` loads it replaces."""
    return bool(eager.prefetch_related) and count <= runs * eager.extra_queries


def advice(name: str, loader: Query | None, eager: _compose.EagerFix) -> str:
    """The way in words: the rows in one query before the loop, with the eager load."""
    method = loader.orm.method if loader is not None else None
    which = f"{name}.objects.{method}()" if method else f"the {name} query"
    calls = ".".join(
        f"{call}({_compose.quoted(paths)})"
        for call, paths in (
            ("select_related", eager.select_related),
            ("prefetch_related", eager.prefetch_related),
        )
        if paths
    )
    return (
        f"{calls} on {which} would not help: that query runs once per item of the loop, "
        f"and so would the prefetch; fetch the {name} rows in one query before the loop "
        f"with {calls} (in_bulk() given their keys, or filter() with an __in lookup) and "
        f"look each item up in them"
    )
