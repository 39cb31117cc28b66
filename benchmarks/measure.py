"""Timing and peak-memory measurement for one workload, inside its own worker process.

Why a process per workload: the peak resident memory of a process only ever grows, and
allocators keep freed memory, so a workload measured after another one would inherit its
footprint. Each worker starts fresh, builds its inputs, then resets the kernel's
high-water mark (``/proc/self/clear_refs``, Linux >= 4.0) so the reported peak is the
process's peak RSS *while the workload ran* - interpreter, imports and inputs included,
because that is what the machine has to provide. Where the reset is not possible
(macOS, restricted kernels) the peak falls back to ``ru_maxrss`` and is marked as
including the set-up.

A second number, the tracemalloc peak of one extra untimed run, shows what the workload
itself allocated (numpy and pandas report their buffers to tracemalloc). It is taken in a
separate run because tracing slows Python-heavy code and would distort the timings.
"""

from __future__ import annotations

import gc
import resource
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["Memory", "Timing", "peak_tracker", "time_runs", "traced_peak"]

_STATUS = Path("/proc/self/status")
_CLEAR_REFS = Path("/proc/self/clear_refs")


def _status_kib(key: str) -> int | None:
    """A ``VmRSS``/``VmHWM``-style line of /proc/self/status in KiB (None off Linux)."""
    try:
        for line in _STATUS.read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def _ru_maxrss_bytes() -> int:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024  # bytes on macOS, KiB on Linux


@dataclass
class Memory:
    """Peak resident memory of the worker while the workload ran, in bytes."""

    peak_rss: int
    baseline_rss: int | None  # RSS just before the workload (imports + inputs)
    includes_setup: bool  # True when the high-water mark could not be reset
    children_peak_rss: int | None = None  # largest child process (for multi-process work)


class peak_tracker:
    """Reset the process's peak-RSS mark on entry; read it on exit as :attr:`memory`."""

    def __enter__(self) -> peak_tracker:
        gc.collect()
        self.baseline = _status_kib("VmRSS")
        try:
            _CLEAR_REFS.write_text("5")
            self.reset = _status_kib("VmHWM") is not None
        except OSError:
            self.reset = False
        return self

    def __exit__(self, *exc: object) -> None:
        hwm = _status_kib("VmHWM") if self.reset else None
        children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        self.memory = Memory(
            peak_rss=hwm * 1024 if hwm is not None else _ru_maxrss_bytes(),
            baseline_rss=self.baseline * 1024 if self.baseline is not None else None,
            includes_setup=hwm is None,
            children_peak_rss=(children if sys.platform == "darwin" else children * 1024) or None,
        )


@dataclass
class Timing:
    """Wall-clock seconds of each timed run (warm-up excluded) and their median."""

    runs: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.runs)


def time_runs(
    func: Callable[[], Any],
    repeats: int,
    warmup: int = 1,
    before: Callable[[], Any] | None = None,
    budget_s: float | None = None,
) -> Timing:
    """Run ``func`` ``warmup`` times untimed (lazy imports, caches), then up to ``repeats``
    times timed - fewer once the timed runs have used up ``budget_s`` seconds.

    A warm-up run that alone exceeds the budget is kept as the only timed run (first-call
    imports are small next to it), so a workload taking minutes runs once, not twice.
    ``before`` runs untimed before every call (e.g. to empty an output folder). The result
    of each call is dropped before the next one, so two results never coexist and the
    peak memory is that of one run.
    """
    timing = Timing()
    for i in range(warmup + repeats):
        if before is not None:
            before()
        gc.collect()
        start = time.perf_counter()
        func()
        elapsed = time.perf_counter() - start
        if i < warmup and budget_s is not None and elapsed > budget_s:
            timing.runs.append(elapsed)
            break
        if i >= warmup:
            timing.runs.append(elapsed)
            if budget_s is not None and sum(timing.runs) > budget_s:
                break
    return timing


def traced_peak(func: Callable[[], Any]) -> int:
    """Peak bytes allocated (tracemalloc) during one run of ``func``, above the start."""
    gc.collect()
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        start, _ = tracemalloc.get_traced_memory()
        func()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return max(peak - start, 0)
