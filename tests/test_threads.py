"""Threads: pieces run at once in the caller or side by side, in order, errors raised."""

from __future__ import annotations

import threading

import pytest

from mint_index.errors import SpecError
from mint_index.threads import Threads


def test_one_thread_runs_each_piece_at_once_in_the_caller() -> None:
    seen: list[tuple[int, str]] = []
    with Threads(1) as pool:
        assert pool.count == 1
        future = pool.submit(lambda: seen.append((0, threading.current_thread().name)) or 7)
        assert future.done() and future.result() == 7
        assert pool.map(lambda i: i * i, range(5)) == [0, 1, 4, 9, 16]
    assert seen == [(0, threading.current_thread().name)]


def test_several_threads_keep_the_order_of_the_pieces_and_raise_their_errors() -> None:
    with Threads(3) as pool:
        assert pool.count == 3
        names = pool.map(lambda _: threading.current_thread().name, range(30))
        assert pool.map(lambda i: -i, range(100)) == [-i for i in range(100)]
        with pytest.raises(ZeroDivisionError):
            pool.map(lambda i: 1 // (i - 4), range(8))
    assert threading.current_thread().name not in names


@pytest.mark.parametrize("threads", [0, -1, True, 1.5])
def test_a_thread_count_must_be_a_positive_integer(threads: object) -> None:
    with pytest.raises(SpecError):
        Threads(threads)  # type: ignore[arg-type]
