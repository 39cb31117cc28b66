"""Independent pieces of array work side by side on a few threads, in one process.

numpy releases the interpreter lock in its array work, so pieces that do not depend on
each other run at once on a machine's cores: the recommendation engine's data quality
beside its gap cube, one rule's masks beside another's; the uncertainty analysis's
replication batches and quantiles. Each piece writes only its own output, and the
outputs are put together in a fixed order, so a result is the same for any number of
threads and any timing. (Processes that share memory are :mod:`mint_index.workers`.)

Pieces never wait for other pieces (no nesting), so a small pool cannot deadlock.
"""

from __future__ import annotations

import sys
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, TypeVar

from mint_index.errors import SpecError
from mint_index.workers import usable_cpus

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from types import TracebackType

__all__ = ["Threads", "thread_count"]

T = TypeVar("T")
R = TypeVar("R")


def thread_count(threads: int | None, tasks: int) -> int:
    """Threads for ``tasks`` pieces of work: ``threads``, or one per usable CPU when
    ``None``; never more than the tasks, at least one."""
    if threads is not None and (
        isinstance(threads, bool) or not isinstance(threads, int) or threads < 1
    ):
        raise SpecError(f"threads must be a positive integer or None, got {threads!r}")
    wanted = usable_cpus() if threads is None else threads
    return max(1, min(wanted, tasks))


class Threads:
    """``threads`` threads (``None``: one per usable CPU; 1: every piece in the calling
    thread, one after the other, when it is submitted), no more than ``tasks`` when the
    number of pieces is known. Use as a context manager."""

    def __init__(self, threads: int | None = None, tasks: int | None = None) -> None:
        self.count = thread_count(threads, sys.maxsize if tasks is None else tasks)
        self._pool = ThreadPoolExecutor(self.count) if self.count > 1 else None

    def submit(self, func: Callable[..., R], *args: Any) -> Future[R]:
        """``func(*args)`` on a thread of the pool (at once, in this thread, without one)."""
        if self._pool is not None:
            return self._pool.submit(func, *args)
        done: Future[R] = Future()
        done.set_result(func(*args))
        return done

    def map(self, func: Callable[[T], R], items: Iterable[T]) -> list[R]:
        """``func`` of every item, in the items' order (an error is raised here)."""
        if self._pool is None:
            return [func(item) for item in items]
        return [future.result() for future in [self._pool.submit(func, i) for i in items]]

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True)

    def __enter__(self) -> Threads:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()
