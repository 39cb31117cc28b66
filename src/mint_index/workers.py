"""Worker processes that share memory with their parent and never outnumber what fits.

``--jobs N`` used to start N processes that each ended up with their own copy of the
prepared report data: memory grew with N until the machine swapped. Here workers are
*forked* where the platform allows, so they share the parent's data copy-on-write, and
the garbage collector's objects are frozen first (:func:`gc.freeze`), so a collection in
a worker does not touch, and thereby copy, every page of the shared heap. N is capped by
the usable CPUs (more processes than cores only add memory) and by the available memory.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any

__all__ = ["MIN_WORKER_BYTES", "available_memory", "process_pool", "usable_cpus", "worker_count"]

#: Memory a worker is assumed to need of its own at the least (interpreter, rendering).
MIN_WORKER_BYTES = 256 * 1024 * 1024
#: Share of the available memory the workers may take together.
_MEMORY_SHARE = 0.7


def usable_cpus() -> int:
    """CPUs this process may run on (its affinity mask where known)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def available_memory() -> int | None:
    """Bytes of memory available without swapping (Linux ``MemAvailable``), or None."""
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def worker_count(jobs: int, tasks: int, per_worker: int = MIN_WORKER_BYTES) -> int:
    """How many workers to start for ``tasks`` pieces of work when ``jobs`` are asked
    for: no more than the usable CPUs, the tasks, and what ``per_worker`` bytes each leave
    room for in the available memory (at least 1)."""
    n = min(max(1, jobs), usable_cpus(), max(1, tasks))
    available = available_memory()
    if available is not None:
        n = min(n, max(1, int(available * _MEMORY_SHARE) // max(1, per_worker)))
    return n


def _fork_context() -> Any:
    """The fork start method where it exists (Linux, macOS): workers share the parent's
    memory copy-on-write instead of unpickling their own copy of the data."""
    if "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return None


@contextmanager
def process_pool(
    workers: int, initializer: Callable[..., None], initargs: tuple[Any, ...]
) -> Iterator[ProcessPoolExecutor]:
    """A process pool of ``workers`` sharing the parent's memory (see the module doc)."""
    gc.collect()
    gc.freeze()  # what exists now is never scanned, hence never copied, by a worker's GC
    try:
        with ProcessPoolExecutor(
            max_workers=workers,
            mp_context=_fork_context(),
            initializer=initializer,
            initargs=initargs,
        ) as pool:
            yield pool
    finally:
        gc.unfreeze()
