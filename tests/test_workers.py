"""Worker counts capped by CPUs, tasks and memory; pools that share the parent's data."""

from __future__ import annotations

import gc
import os

import pytest

from mint_index import workers
from mint_index.workers import MIN_WORKER_BYTES, process_pool, worker_count

GIB = 1024**3


def test_worker_count_is_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workers, "usable_cpus", lambda: 2)
    monkeypatch.setattr(workers, "available_memory", lambda: 64 * GIB)
    assert worker_count(8, 1000) == 2  # CPUs
    assert worker_count(8, 1) == 1  # tasks
    assert worker_count(0, 1000) == 1
    monkeypatch.setattr(workers, "usable_cpus", lambda: 64)
    # 1 GiB available, 70 % for workers of 256 MiB each: floor(0.7 * 4) = 2
    monkeypatch.setattr(workers, "available_memory", lambda: GIB)
    assert worker_count(8, 1000) == 2
    assert worker_count(8, 1000, per_worker=GIB) == 1  # never fewer than one
    monkeypatch.setattr(workers, "available_memory", lambda: None)  # unknown: CPUs decide
    assert worker_count(8, 1000) == 8
    assert MIN_WORKER_BYTES == 256 * 1024**2


def test_available_memory_reads_the_system() -> None:
    found = workers.available_memory()
    assert found is None or found > 0


_SHARED: dict[str, object] = {}


def _init(value: object) -> None:
    _SHARED["value"] = value


def _where(_: int) -> tuple[int, int]:
    return os.getpid(), id(_SHARED["value"])


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork only")
def test_pool_workers_share_the_parents_object() -> None:
    data = list(range(100_000))
    with process_pool(2, _init, (data,)) as pool:
        seen = list(pool.map(_where, range(8)))
    # forked: every worker sees the parent's very object (same address), not an unpickled copy
    assert {address for _, address in seen} == {id(data)}
    assert all(pid != os.getpid() for pid, _ in seen)
    assert gc.get_freeze_count() == 0  # the parent's GC is unfrozen again
