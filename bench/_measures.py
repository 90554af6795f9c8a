"""The figures that are not request timings: memory, analysis and panel rendering."""

from __future__ import annotations

import gc
import tracemalloc
from time import perf_counter, process_time
from typing import Any

from django.test import RequestFactory, override_settings

from bench import _django
from bench._modes import Mode


def _rss_kib(field: str) -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/self/status")


def peak_memory(mode: Mode, url: str) -> dict[str, float]:
    """Peak RSS growth (MiB) for one request of ``url``, its panel rendered if any.

    Linux resets the peak (VmHWM) when 5 is written to ``clear_refs``; the
    figure is the peak during the request minus the RSS just before it.
    """
    gc.collect()
    with open("/proc/self/clear_refs", "w") as refs:
        refs.write("5")
    before = _rss_kib("VmRSS")
    with mode.active() as client:
        client.get(url)
        if "DEBUG_TOOLBAR_PANELS" in mode.settings:
            render_panel(mode.settings["DEBUG_TOOLBAR_PANELS"][0])
    return {"peak_mib": (_rss_kib("VmHWM") - before) / 1024}


def render_panel(panel_path: str) -> dict[str, float]:
    """Render the newest stored request's panel as the toolbar's render view does."""
    from debug_toolbar.store import get_store
    from debug_toolbar.toolbar import DebugToolbar

    panel_id = panel_path.rsplit(".", 1)[1]
    request_id = list(get_store().request_ids())[-1]
    start = perf_counter()
    toolbar = DebugToolbar.fetch(request_id, panel_id)
    assert toolbar is not None
    content = toolbar.get_panel_by_id(panel_id).content
    return {"render_s": perf_counter() - start, "html_kib": len(content.encode()) / 1024}


def _statements(queries: int) -> None:
    """``queries`` statements: the 5,000-query page, repeated, then cheap lookups."""
    for _ in range(queries // 5000):
        _django.big(RequestFactory().get("/big/"))
    if queries % 5000:
        _django.cheap(RequestFactory().get(f"/cheap/?n={queries % 5000}"))


def _record(queries: int) -> Any:
    import ormwatch

    with ormwatch.watch() as report:
        _statements(queries)
    return report


def retained_per_query(queries: int = 5000) -> dict[str, float]:
    """Bytes that ormwatch's own code allocated and a report keeps, per query."""
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.take_snapshot()
        report = _record(queries)
        recorded = len(report.queries)
        after_record = tracemalloc.take_snapshot()
        report.findings  # noqa: B018 - analysis retains its findings too
        gc.collect()
        after_analysis = tracemalloc.take_snapshot()
    finally:
        tracemalloc.stop()
    ours = [tracemalloc.Filter(True, "*/ormwatch/*")]

    def grown(snapshot: tracemalloc.Snapshot) -> int:
        stats = snapshot.filter_traces(ours).compare_to(before.filter_traces(ours), "filename")
        return sum(stat.size_diff for stat in stats)

    return {
        "queries": recorded,
        "recorded_b": grown(after_record) / recorded,
        "analysed_b": grown(after_analysis) / recorded,
    }


def analysis_scaling(sizes: list[int]) -> list[dict[str, float]]:
    """``watch()`` blocks of each size (no cap): plain, recorded, and the analysis alone.

    A block analyses its queries when it ends, so ``record_s`` includes one
    analysis; ``analyse_s`` times a second analysis of the same queries.
    """
    from ormwatch._analyse import analyse

    rows = []
    for size in sizes:
        with override_settings(ORMWATCH={"MAX_QUERIES": max(sizes)}):
            gc.collect()
            start = process_time()
            _statements(size)
            plain = process_time() - start
            gc.collect()
            start = process_time()
            report = _record(size)
            recorded = process_time() - start
            start = process_time()
            findings = analyse(report.queries)
            analysed = process_time() - start
        rows.append(
            {
                "queries": len(report.queries),
                "plain_s": plain,
                "record_s": recorded,
                "analyse_s": analysed,
                "findings": len(findings),
            }
        )
        del report, findings
    return rows
