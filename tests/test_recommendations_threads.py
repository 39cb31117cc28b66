"""Threads share the recommendation engine's work; the result never depends on how many."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import mint_index as mi

GENERATOR = Path(__file__).resolve().parents[1] / "examples" / "generate_large.py"


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
