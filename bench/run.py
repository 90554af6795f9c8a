"""Benchmarks: what ormwatch costs beside no profiler, the toolbar's SQL panel and peers.

    .venv/bin/python bench/run.py [--rounds N] [--quick]     (or: make bench)

Every figure comes from this one run. Each group of figures runs in a fresh
child process (``--worker``), so one profiler's imports and memory never
colour another's: the comparison of our modes with the SQL panel, one
process per installed peer (django-zeal, django-query-doctor) against its
own no-profiler baseline, one process per mode for peak memory, and one for
retained bytes, analysis scaling and panel rendering. docs/performance.md
explains the figures and holds the latest ones.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PAGES = {  # name: (url, rounds as a share of --rounds)
    "500 cheap queries": ("/cheap/?n=500", 1.0),
    "N+1, 200 rows": ("/n-plus-one/?rows=200", 1.0),
    "its select_related fix": ("/fixed/?rows=200", 1.0),
    "5,000 queries": ("/big/", 0.2),
}
SCALING = [1_000, 5_000, 10_000, 50_000]


def worker(task: str, arg: str, rounds: int) -> Any:
    from bench import _django, _modes

    # --before: this child imports ormwatch from an older checkout.
    if os.environ.get("BENCH_ORMWATCH_FROM"):
        sys.path.insert(0, os.environ["BENCH_ORMWATCH_FROM"])
    # Settings first: django.test and the peers' apps need them on import.
    mode = _modes.BY_NAME.get(arg)  # a mode by name ("ours"/"ormwatch": a group)
    _django.configure((mode.peer,) if mode is not None and mode.peer else ())
    from bench import _measures, _timing

    if task == "timing":
        group = {
            "ours": list(_modes.OURS),
            "ormwatch": [_modes.NONE, _modes.MIDDLEWARE, _modes.OUR_PANEL],
        }.get(arg, [_modes.NONE, _modes.MIDDLEWARE])
        if mode is not None and mode.peer:
            group.append(mode)
        return {
            page: _timing.compare(group, url, max(3, round(rounds * share)))
            for page, (url, share) in PAGES.items()
        }
    if task == "memory":
        assert mode is not None
        return _measures.peak_memory(mode, PAGES["5,000 queries"][0])
    renders = {}
    for mode in (_modes.OUR_PANEL, _modes.SQL_PANEL):
        with mode.active() as client:
            client.get(PAGES["5,000 queries"][0])
            renders[mode.name] = _measures.render_panel(mode.settings["DEBUG_TOOLBAR_PANELS"][0])
    return {
        "retained": _measures.retained_per_query(),
        "scaling": _measures.analysis_scaling(SCALING),
        "render": renders,
    }


def child(task: str, arg: str, rounds: int, source: str | None = None) -> Any:
    env = {**os.environ, "BENCH_ORMWATCH_FROM": source} if source else None
    out = subprocess.run(
        [sys.executable, __file__, "--worker", task, arg, "--rounds", str(rounds)],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def table(title: str, header: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(str(c)) for c in col) for col in zip(header, *rows, strict=True)]
    print(f"\n{title}")
    for row in (header, *rows):
        print(
            "  ".join(
                str(c).rjust(w) if i else str(c).ljust(w)
                for i, (c, w) in enumerate(zip(row, widths, strict=True))
            )
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--quick", action="store_true", help="3 rounds: a smoke run")
    parser.add_argument(
        "--before", metavar="REF", help="also time ormwatch as of this git ref, for before/after"
    )
    parser.add_argument("--worker", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    rounds = 3 if args.quick else args.rounds
    if args.worker:
        print(json.dumps(worker(*args.worker, rounds)))
        return

    import django

    from bench import _modes

    peers = [m for m in _modes.PEERS if _modes.installed(m)]
    print(f"Django {django.get_version()}, Python {sys.version.split()[0]}, SQLite in memory,")
    print(f"CPU time per request, median of {rounds} interleaved rounds (5,000 queries: fewer)")
    ours = child("timing", "ours", rounds)
    names = [m.name for m in _modes.OURS]
    rows = []
    for page, times in ours.items():
        base = times["no profiler"]
        rows.append(
            [page, f"{base * 1000:.1f} ms"] + [f"{times[n] / base:.2f}x" for n in names[1:]]
        )
    table("Time per request, as a ratio to no profiler", ["page", "no profiler", *names[1:]], rows)
    if args.before:
        before_and_after(args.before, ours, rounds)

    peer_rows = []
    for peer in peers:
        for page, times in child("timing", peer.name, rounds).items():
            base = times["no profiler"]
            peer_rows.append(
                [
                    page,
                    peer.name,
                    f"{times[peer.name] / base:.2f}x",
                    f"{times['ormwatch middleware'] / base:.2f}x",
                ]
            )
    if peer_rows:
        table(
            "Peers, each in its own process against its own baseline",
            ["page", "peer", "peer", "ormwatch middleware"],
            peer_rows,
        )
    else:
        print("\n(no peers installed: pip install django-zeal django-query-doctor)")

    memory = {m.name: child("memory", m.name, rounds)["peak_mib"] for m in (*_modes.OURS, *peers)}
    table(
        "Peak memory growth for one 5,000-query request (and its panel rendered)",
        ["mode", "peak MiB"],
        [[n, f"{v:.1f}"] for n, v in memory.items()],
    )

    rest = child("analysis", "-", rounds)
    kept = rest["retained"]
    print(
        f"\nRetained per recorded query (ormwatch's own allocations, {kept['queries']} queries): "
        f"{kept['recorded_b']:.0f} B recorded, {kept['analysed_b']:.0f} B with findings"
    )
    table(
        "watch() blocks: recording and analysis (MAX_QUERIES raised to keep all)",
        ["queries", "plain s", "recorded s", "ratio", "analysis s", "analysis ms/1000", "findings"],
        [
            [
                f"{r['queries']:,}",
                f"{r['plain_s']:.2f}",
                f"{r['record_s']:.2f}",
                f"{r['record_s'] / r['plain_s']:.2f}x",
                f"{r['analyse_s']:.3f}",
                f"{r['analyse_s'] * 1e6 / r['queries']:.1f}",
                str(r["findings"]),
            ]
            for r in rest["scaling"]
        ],
    )
    table(
        "Panel content for the 5,000-query page, rendered from the store",
        ["panel", "render s", "HTML KiB"],
        [[n, f"{r['render_s']:.2f}", f"{r['html_kib']:.0f}"] for n, r in rest["render"].items()],
    )

    print(summary(ours["500 cheap queries"], rest, memory))


def before_and_after(ref: str, after: dict[str, dict[str, float]], rounds: int) -> None:
    """Time the same pages with ormwatch checked out at ``ref`` (a git worktree)."""
    with tempfile.TemporaryDirectory() as tmp:
        tree = str(Path(tmp) / "before")
        git = ["git", "-C", str(ROOT)]
        subprocess.run([*git, "worktree", "add", "--detach", "-q", tree, ref], check=True)
        try:
            before = child("timing", "ormwatch", rounds, source=tree)
        finally:
            subprocess.run([*git, "worktree", "remove", "--force", tree], check=True)
    rows = []
    for page, now in after.items():
        then = before[page]
        rows.append(
            [page]
            + [
                f"{then[m] / then['no profiler']:.2f}x -> {now[m] / now['no profiler']:.2f}x"
                for m in ("ormwatch middleware", "toolbar: ormwatch panel")
            ]
        )
    table(
        f"Before ({ref}) and after",
        ["page", "ormwatch middleware", "toolbar: ormwatch panel"],
        rows,
    )


def summary(cheap: dict[str, float], rest: dict[str, Any], memory: dict[str, float]) -> str:
    """One line: each target of docs/performance.md beside its figure."""
    base = cheap["no profiler"]
    ours = cheap["toolbar: ormwatch panel"] / base - 1
    sql = cheap["toolbar: SQL panel"] / base - 1
    fifty = rest["scaling"][-1]
    render = rest["render"]["toolbar: ormwatch panel"]["render_s"]
    peak = memory["toolbar: ormwatch panel"] / memory["toolbar: SQL panel"]
    return (
        f"\nsummary: middleware {cheap['ormwatch middleware'] / base:.2f}x (target <= 1.10x); "
        f"ormwatch panel overhead {ours / sql:.2f} of the SQL panel's (target <= 0.50); "
        f"{fifty['queries']:,} queries analysed in {fifty['analyse_s']:.2f} s (target < 2 s); "
        f"panel render {render:.2f} s (target < 0.5 s); "
        f"peak memory {peak:.2f} of the SQL panel's (target < 0.20)"
    )


if __name__ == "__main__":
    main()
