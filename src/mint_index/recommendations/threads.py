"""The recommendation engine's independent pieces of work, side by side on a few threads.

numpy releases the interpreter lock in its array work, so pieces that do not depend on
each other - the data quality and the gap cube, one rule's masks and another's, one
action's candidates and another's, the columns of the frame - run at once on a machine's
cores. Each piece writes only its own output, and the outputs are put together in a fixed
order, so the result is the same for any number of threads and any timing.

Pieces never wait for other pieces (no nesting), so a small pool cannot deadlock.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from types import TracebackType

__all__ = ["Threads"]

T = TypeVar("T")
R = TypeVar("R")


class Threads:
    """``threads`` threads (``None``: one per usable CPU; 1: every piece in the calling
    thread, one after the other, when it is submitted). Use as a context manager."""

    def __init__(self, threads: int | None = None) -> None:
        from mint_index.analysis.replicate import thread_count

        self.count = thread_count(threads, tasks=1 << 16)
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
