"""Threads share the recommendation engine's work; the result never depends on how many."""

from __future__ import annotations

import importlib.util
import threading
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import mint_index as mi
from mint_index.errors import SpecError
from mint_index.recommendations.threads import Threads

GENERATOR = Path(__file__).resolve().parents[1] / "examples" / "generate_large.py"


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


@pytest.fixture(scope="module")
def results() -> mi.Results:
    spec = importlib.util.spec_from_file_location("generate_large", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    data = module.generate_large(n_units=300, n_years=4, seed=11)
    return mi.score(data, mi.default_framework())


def _register(res: mi.Results) -> pd.DataFrame:
    rng = np.random.default_rng(5)
    actions = sorted(mi.load_rules().actions)
    units = np.asarray(res.unit_ids, dtype=str)
    years = np.asarray(res.years, dtype=np.int64)
    return pd.DataFrame(
        {
            "unit": rng.choice(units, 60),
            "measure": rng.choice(actions, 60),
            "since": rng.integers(years.min() - 1, years.max() + 1, 60),
        }
    ).drop_duplicates(["unit", "measure"])


@pytest.mark.parametrize("register", [False, True])
def test_recommendations_are_the_same_for_any_number_of_threads(
    results: mi.Results, register: bool
) -> None:
    measures = _register(results) if register else None
    one = mi.recommend(results, measures=measures, threads=1)
    frame = one.to_frame()
    assert (frame["kind"] == "action").sum() > 100 and (frame["kind"] == "note").sum() > 100
    assert (frame["kind"] == "in_place").any()  # the framework's yes/no indicators, too
    assert (frame["rules"].dropna().map(len) > 1).any()
    for threads in (2, 3, None):
        other = mi.recommend(results, measures=measures, threads=threads)
        pd.testing.assert_frame_equal(other.core, one.core, check_exact=True)
        pd.testing.assert_frame_equal(other.to_frame(), frame, check_exact=True)
        pd.testing.assert_frame_equal(
            other.details.more_evidence, one.details.more_evidence, check_exact=True
        )
