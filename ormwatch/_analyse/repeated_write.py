"""Writes of one row at a time from one call site, in a loop."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

from ormwatch._analyse._analysis import Analysis
from ormwatch._analyse._spec import KindSpec
from ormwatch._finding import Finding
from ormwatch._kinds import Kind
from ormwatch._query import Query

_BULK = frozenset({"bulk_create", "bulk_update"})
_SET_COLUMNS = re.compile(r"\bset (.*?) where\b")


def detect(analysis: Analysis) -> Iterator[Finding]:
    groups: dict[tuple[object, str], list[Query]] = {}
    for query in analysis.queries:
        orm = query.orm
        if orm.kind != "write" or query.call_site is None or query.is_transaction:
            continue
        if orm.write in _BULK or query.many:
            continue
        groups.setdefault((query.call_site, orm.write or "write"), []).append(query)
    threshold = analysis.settings.repeated_write_threshold
    for (call_site, method), queries in groups.items():
        shape, repeats = Counter(q.fingerprint for q in queries).most_common(1)[0]
        if repeats < threshold:
            continue
        main = next(q for q in queries if q.fingerprint == shape)
        model = (main.orm.model or "Model").rsplit(".", 1)[-1]
        verb = shape.split(" ", 1)[0]
        fix = _fix(method, verb, model, shape)
        yield Finding(
            kind=Kind.REPEATED_WRITE,
            message=(
                f"Repeated write: {repeats} single-row {verb.upper()}s of {model} from "
                f"{method}() in a loop ({sum(q.duration_ms for q in queries):.1f} ms, "
                f"{len(queries)} statements); write them in one go"
            ),
            call_site=call_site,  # type: ignore[arg-type]
            origin=call_site,  # type: ignore[arg-type]
            fix=fix,
            queries=queries,
            saved_queries=max(len(queries) - 1, 0),
        )


def _fix(method: str, verb: str, model: str, shape: str) -> str:
    if verb == "insert":
        return f"{model}.objects.bulk_create([{model}(...) for ... in ...])"
    if verb == "delete":
        return f"{model}.objects.filter(pk__in=[...]).delete()"
    columns = _SET_COLUMNS.search(shape)
    names = (
        [c.split("=")[0].strip().split(".")[-1] for c in columns.group(1).split(",")]
        if columns
        else []
    )
    fields = ", ".join(f'"{n.removesuffix("_id")}"' for n in names if n) or '"field"'
    if method == "update":
        return f"{model}.objects.filter(...).update(...)  # one UPDATE for all rows, or bulk_update"
    return f"{model}.objects.bulk_update(objs, [{fields}])"


KIND = KindSpec(
    kind=Kind.REPEATED_WRITE,
    label="repeated write",
    plural="repeated writes",
    detect=detect,
)
