"""Writes of one row at a time, by the user's own code, in a loop.

A write counts when the user's line called ``save()``, ``create()``,
``delete()`` or ``update()`` itself (``Query.library_write`` is None: not
``client.login()``, a related manager's ``set()``, a cascade, a library's
signal handler) and that line, or a user line that called its function
directly, sits in a loop (``for``, ``while``, a comprehension). A line that
runs once per call of its function, when something else calls the function
repeatedly (Django calling a signal handler once per saved row, a test
calling a helper twice), is no write loop there. Writes are grouped per
request segment, call site and method; ``get_or_create()`` and
``update_or_create()`` decide per row whether to write, so no bulk method
replaces them and they are not counted. Call sites whose loop is in a test
module are skipped unless ``REPORT_WRITES_IN_TESTS``.

The same row updated again and again (one ``order.save()`` per item) is not
a bulk write: the finding says so and offers no ``bulk_update``.
"""

from __future__ import annotations

import ast
import re
from collections import Counter
from collections.abc import Iterator

from ormwatch._analyse import _testcode
from ormwatch._analyse._analysis import Analysis
from ormwatch._finding import Finding
from ormwatch._fix import _source
from ormwatch._kinds import Kind
from ormwatch._query import CallSite, Query

_VERBS = frozenset({"save", "create", "delete", "update"})
_SET_COLUMNS = re.compile(r"\bset (.*?) where\b")
# An UPDATE of one row by its key: Model.save()'s "... where t.id = ?".
_ONE_ROW = re.compile(r"^update .* where [\w.\"`]+ = \?$")
_LOOPS = (ast.For, ast.AsyncFor, ast.While)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


def detect(analysis: Analysis) -> Iterator[Finding]:
    settings = analysis.settings
    groups: dict[tuple[int, CallSite, str], list[Query]] = {}
    loops: dict[tuple[int, CallSite, str], CallSite] = {}
    for query in analysis.queries:
        orm = query.orm
        site = query.call_site
        if orm.kind != "write" or site is None or query.is_transaction or query.many:
            continue
        if orm.method not in _VERBS or query.library_write is not None:
            continue
        loop = _loop_site(query)
        if loop is None:
            continue
        if not settings.report_writes_in_tests and _testcode.in_test_module(loop):
            continue
        key = (query.segment, site, orm.method)
        groups.setdefault(key, []).append(query)
        loops.setdefault(key, loop)
    threshold = settings.repeated_write_threshold
    for key, queries in groups.items():
        shape, repeats = Counter(q.fingerprint for q in queries).most_common(1)[0]
        if repeats < threshold:
            continue
        call_site, method = key[1], key[2]
        same = [q for q in queries if q.fingerprint == shape]
        model = (same[0].orm.model or "Model").rsplit(".", 1)[-1]
        verb = shape.split(" ", 1)[0]
        ms = sum(q.duration_ms for q in queries)
        if _one_row(same):
            message = (
                f"Repeated write: the same {model} row was updated {repeats} times from "
                f"{method}() in a loop ({ms:.1f} ms); change the object in the loop and "
                "save it once after it"
            )
            fix = None
        else:
            message = (
                f"Repeated write: {repeats} single-row {verb.upper()}s of {model} from "
                f"{method}() in a loop ({ms:.1f} ms, {len(queries)} statements); "
                "write them in one go"
            )
            fix = _fix(method, verb, model, shape)
        yield Finding(
            kind=Kind.REPEATED_WRITE.value,
            message=message,
            call_site=call_site,
            origin=loops[key],
            fix=fix,
            queries=queries,
            saved_queries=max(len(queries) - 1, 0),
        )


def _loop_site(query: Query) -> CallSite | None:
    """The call site, or a user line that called its function directly, if it runs in a loop."""
    for site in query.stack[: query.direct_callers + 1]:
        code = _source.code_at(site)
        if code is None:
            return None
        if _in_loop(code, site.line):
            return site
    return None


def _in_loop(code: _source.Code, line: int) -> bool:
    node: ast.AST | None = code.statement
    if any(
        isinstance(n, _COMPREHENSIONS) and n.lineno <= line <= (n.end_lineno or n.lineno)
        for n in ast.walk(code.statement)
    ):
        return True
    node = code.parents.get(code.statement)
    while node is not None and node is not code.function:
        if isinstance(node, _LOOPS):
            return True
        node = code.parents.get(node)
    return False


def _one_row(queries: list[Query]) -> bool:
    """Every statement updated the same row (known only when its key was recorded)."""
    if not _ONE_ROW.match(queries[0].fingerprint):
        return False
    keys = set()
    for query in queries:
        params = query.params
        if not isinstance(params, list) or not params or params[-1] == "***":
            return False
        keys.add(repr(params[-1]))
    return len(keys) == 1


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
