"""Time requests mode against mode, interleaved, in one process.

Round by round every mode serves the same page once, in rotating order, so
noise on a shared machine hits all modes alike. The figure kept is the
process's CPU time per request (``time.process_time``): everything here runs
in this one thread, and CPU time does not count the moments another process
had the core. Medians over rounds; ratios are to the ``no profiler`` mode.
"""

from __future__ import annotations

import gc
import statistics
from time import process_time

from bench._modes import Mode


def request(mode: Mode, url: str) -> float:
    """CPU seconds for one request of ``url`` under ``mode``."""
    with mode.active() as client:
        gc.collect()
        start = process_time()
        response = client.get(url)
        elapsed = process_time() - start
    if response.status_code != 200:
        raise RuntimeError(f"{mode.name}: {url} answered {response.status_code}")
    return elapsed


def compare(modes: list[Mode], url: str, rounds: int) -> dict[str, float]:
    """Median CPU seconds per request of ``url`` for each mode."""
    for mode in modes:  # warm: middleware chains, caches, compiled templates
        request(mode, url)
    times: dict[str, list[float]] = {mode.name: [] for mode in modes}
    for r in range(rounds):
        for mode in modes[r % len(modes) :] + modes[: r % len(modes)]:
            times[mode.name].append(request(mode, url))
    return {name: statistics.median(values) for name, values in times.items()}
