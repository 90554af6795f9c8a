"""The example project under real servers and concurrent clients.

gunicorn (one worker, eight threads: WSGI) and uvicorn (ASGI) serve
``tests.load_project`` on 127.0.0.1; eight clients request a mix of N+1
pages, clean pages, async views and a view that queries from worker threads.
Every request carries a marker (tests/load_project/middleware.py), so each
response and each log line can be checked against its own request only.

``ORMWATCH_LOAD_REQUESTS`` sets the number of measured requests per server
(default 240; docs/reliability.md has a run with 2,000).
``ORMWATCH_LOAD_FIGURES=<file>`` appends the measured figures as JSON lines.
"""

from __future__ import annotations

import json
import os
import random
import re
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from time import perf_counter
from typing import Any

import pytest

from tests.load_support import (
    Response,
    database,
    environment,
    get,
    live_objects,
    read_log,
    serve,
)

pytestmark = pytest.mark.slow

if os.environ.get("ORMWATCH_EXPECT_INSTALL") == "wheel":
    # The served project imports ormwatch from the checkout (PYTHONPATH), not
    # the matrix's wheel; make test, test-postgres and test-mariadb run it.
    pytest.skip("serves the checkout, not the installed wheel", allow_module_level=True)
pytest.importorskip("gunicorn", reason="needs gunicorn (the test dependency group)")
pytest.importorskip("uvicorn", reason="needs uvicorn (the test dependency group)")

REQUESTS = int(os.environ.get("ORMWATCH_LOAD_REQUESTS", "240"))
CLIENTS = 8
# Enough for every cache, thread and the toolbar's store (25 requests) to fill up.
WARM_UP = 80
# Resident memory the server may gain over the measured requests, whatever
# their number: a coarse guard, as the allocator and the database drivers keep
# pages (5 MB on PostgreSQL in 240 requests, 6 MB in 2,000 on SQLite). A
# request's report kept by mistake holds its queries, tens of kB for a
# 30-query N+1; the live object count below catches smaller leaks.
MAX_GROWTH_KIB = 16 * 1024
# Live Python objects gained per measured request. About 2.5 are Django's,
# with or without ormwatch: each run in a copied context on the thread page
# leaves a connection object behind. Every watch() leaving a weakref.finalize
# behind (fixed before the first release) made it 6.5.
MAX_OBJECTS_PER_REQUEST = 4

# Pages of the example project (pitfalls/registry.py) and the kinds the bad
# ones report: sync and async views, views and templates, clean twins.
PAGES: dict[str, set[str]] = {
    "n-plus-one-fk/bad/": {"n_plus_one"},
    "n-plus-one-fk/fixed/": set(),
    "n-plus-one-reverse-fk/bad/": {"n_plus_one"},  # async view
    "n-plus-one-reverse-fk/fixed/": set(),  # async view
    "n-plus-one-template/bad/": {"n_plus_one"},
    "n-plus-one-template/fixed/": set(),
    "load/threads/": set(),  # tests/load_project/views.py
}


def expected_params(response: Response) -> list[str]:
    """The tagged parameters a request's own report must hold, and nothing else."""
    own = [f"marker-{response.marker}"] * 2
    if response.page == "load/threads/":
        own.append(f"thread-{response.marker}")  # the thread given the request's context
    return sorted(own)


def label(response: Response) -> str:
    return f"GET /m/{response.marker}/{response.page}"


@pytest.fixture(scope="module")
def served_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """The example project's database, migrated and seeded once for both servers."""
    env = environment(tmp_path_factory.mktemp("load"))
    with database(env):
        yield env


def run(port: int, count: int, seed: int) -> list[Response]:
    pages = [page for _, page in zip(range(count), _cycle(seed), strict=False)]
    with ThreadPoolExecutor(CLIENTS) as clients:
        return list(clients.map(lambda page: get(port, page), pages))


def _cycle(seed: int) -> Iterator[str]:
    order = list(PAGES)
    shuffle = random.Random(seed).shuffle
    while True:
        shuffle(order)
        yield from order


def by_request(log: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    records: dict[str, list[dict[str, Any]]] = {}
    for record in log:
        request = (record.get("ormwatch") or {}).get("request")
        records.setdefault(str(request), []).append(record)
    return records


def shape(records: list[dict[str, Any]]) -> tuple[Any, ...]:
    """What a request logged, without times: its summary's findings and each one's size.

    Not the summary's statement count: on MariaDB a request that opens a new
    connection also records its set-up statement (``X-Load-Queries`` leaves it out).
    """
    (summary,) = [r["ormwatch"] for r in records if r["level"] == "INFO"]
    findings = sorted(
        (r["ormwatch"]["kind"], r["ormwatch"]["query_count"])
        for r in records
        if r["level"] == "WARNING"
    )
    return summary["findings"], findings


@pytest.mark.parametrize("server_name", ["gunicorn", "uvicorn"])
def test_concurrent_requests_see_only_their_own_queries(
    served_env: dict[str, str], tmp_path: Path, server_name: str
) -> None:
    env = {**served_env, "ORMWATCH_LOAD_LOG": str(tmp_path / "log.jsonl")}
    with serve(server_name, env, tmp_path) as server:
        # One request per page, alone: what each page must log every time.
        alone = [get(server.port, page) for page in PAGES]
        warm_up = run(server.port, WARM_UP, seed=1)
        rss_before, objects_before = server.rss_kib(), live_objects(server.port)["objects"]
        start = perf_counter()
        measured = run(server.port, REQUESTS, seed=2)
        seconds = perf_counter() - start
        rss_after, objects_after = server.rss_kib(), live_objects(server.port)["objects"]
    stderr = server.stderr.read_text()
    log = read_log(Path(env["ORMWATCH_LOAD_LOG"]))
    responses = [*alone, *warm_up, *measured]

    for response in responses:
        assert response.status == 200, (response.page, response.body[:2000])
        assert response.body.rstrip().endswith("</html>"), response.page
        assert sorted(response.params) == expected_params(response), (
            response.page,
            response.params,
        )
    assert not [r for r in responses if any(p.startswith("stray-") for p in r.params)]

    records = by_request(log)
    expected = {r.page: shape(records[label(r)]) for r in alone}
    statements = {r.page: r.queries for r in alone}
    for page, (kinds, _) in expected.items():
        assert set(kinds) == PAGES[page], page
    for response in responses:
        assert shape(records.pop(label(response))) == expected[response.page], response.page
        assert response.queries == statements[response.page], response.page
    # Nothing else was logged: no error, no warning outside a request.
    records.pop("GET /load/objects/")
    assert records == {}
    assert "Traceback" not in stderr
    assert not re.search(r"\b(ERROR|CRITICAL)\b", stderr), stderr

    growth = rss_after - rss_before
    figures = {
        "server": server_name,
        "database": os.environ.get("ORMWATCH_TEST_DB", "sqlite"),
        "requests": len(responses),
        "measured_requests": len(measured),
        "clients": CLIENTS,
        "seconds": round(seconds, 1),
        "requests_per_second": round(len(measured) / seconds, 1),
        "rss_before_kib": rss_before,
        "rss_after_kib": rss_after,
        "objects_before": objects_before,
        "objects_after": objects_after,
        "pages": dict(Counter(r.page for r in measured)),
    }
    if path := os.environ.get("ORMWATCH_LOAD_FIGURES"):
        with open(path, "a", encoding="utf-8") as out:
            out.write(json.dumps(figures) + "\n")
    assert growth < MAX_GROWTH_KIB, figures
    assert (objects_after - objects_before) / len(measured) < MAX_OBJECTS_PER_REQUEST, figures
