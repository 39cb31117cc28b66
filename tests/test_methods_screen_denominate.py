"""Screening by data availability and denomination, incl. COINr behaviour on ASEM."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from mint_index.methods import parse_step

ASEM = Path(__file__).parent / "fixtures" / "coinr" / "asem_idata.csv"
nan = np.nan


def screen(spec: dict, x: np.ndarray) -> np.ndarray:
    method, params = parse_step("screen", spec)
    keep = method.func(x, params)
    assert keep.shape == x.shape[:2] and keep.dtype == bool
    return keep


def denominate(spec: dict, x: np.ndarray, d: np.ndarray) -> np.ndarray:
    method, params = parse_step("denominate", spec)
    return method.func(x, d, params)


def test_availability_threshold_is_inclusive() -> None:
    # 3 indicators: coverage 1, 2/3, 1/3, 0
    x = np.array([[[1, 2, 3], [1, nan, 3], [nan, nan, 0], [nan, nan, nan]]], dtype=float)
    assert screen({"method": "availability"}, x).tolist() == [[True, True, False, False]]
    assert screen({"method": "availability", "min_coverage": 0.9}, x).tolist() == [
        [True, False, False, False]
    ]
    assert screen({"method": "availability", "min_coverage": 0}, x).all()
    assert screen({"method": "none"}, x).all()


def test_availability_per_year() -> None:
    x = np.array([[[1.0, 2.0]], [[nan, 2.0]]])
    assert screen({"method": "availability", "min_coverage": 0.75}, x).tolist() == [[True], [False]]


def test_nonzero_screening() -> None:
    # unit 0: 2 of 3 present, both zero -> 0 % non-zero; unit 1: 1 of 3 zero
    x = np.array([[[0, 0, nan], [0, 5, 6]]], dtype=float)
    keep = screen({"method": "availability", "min_coverage": 0.5, "min_nonzero": 0.5}, x)
    assert keep.tolist() == [[False, True]]


def test_coinr_screen_by_na_on_asem() -> None:
    """COINr: Screen(unit_screen = "byNA", dat_thresh = t) keeps units with
    1 - n_missing / n_indicators >= t."""
    data = pd.read_csv(ASEM)
    ind = list(data.columns[11:])
    x = data[ind].to_numpy(float)[None]
    n_missing = data[ind].isna().sum(axis=1).to_numpy()
    for thresh in (0.9, 0.95, 0.97):
        expected = (1 - n_missing / len(ind)) >= thresh
        np.testing.assert_array_equal(
            screen({"method": "availability", "min_coverage": thresh}, x)[0], expected
        )
    assert not screen({"method": "availability", "min_coverage": 0.97}, x).all()


def test_denominator_with_scale_and_zero() -> None:
    x = np.array([[[10.0, 3.0], [nan, 4.0], [5.0, 1.0]]])
    d = np.array([[[2.0, 1000.0], [2.0, 0.0], [nan, 500.0]]])
    out = denominate({"method": "denominator", "scale": 1000}, x, d)
    np.testing.assert_allclose(out[0], [[5000, 3], [nan, nan], [nan, 2]], rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(denominate({"method": "none"}, x, d), x)


def test_coinr_denominate_on_asem() -> None:
    """COINr's Denominate example: Goods / GDP and Flights / (Population / 1000)."""
    data = pd.read_csv(ASEM)
    x = data[["Goods", "Flights"]].to_numpy(float)[None]
    d = data[["GDP", "Population"]].to_numpy(float)[None]
    out = denominate({"method": "denominator"}, x, d)
    for row in (0, 25, 50):
        assert out[0, row, 0] == pytest.approx(data["Goods"][row] / data["GDP"][row], rel=1e-9)
    per_thousand = denominate({"method": "denominator", "scale": 1000}, x[..., 1:], d[..., 1:])
    expected = data["Flights"][3] / (data["Population"][3] / 1000)
    assert per_thousand[0, 3, 0] == pytest.approx(expected, rel=1e-9)


@settings(max_examples=50, deadline=None)
@given(
    arrays(
        np.float64,
        st.tuples(st.integers(1, 3), st.integers(1, 6), st.integers(1, 5)),
        elements=st.one_of(st.just(nan), st.floats(-10, 10)),
    ),
    st.floats(0, 1),
    st.randoms(use_true_random=False),
)
def test_screening_is_per_unit_and_monotone(x, threshold, rnd) -> None:
    keep = screen({"method": "availability", "min_coverage": threshold}, x)
    perm = list(range(x.shape[1]))
    rnd.shuffle(perm)
    np.testing.assert_array_equal(
        screen({"method": "availability", "min_coverage": threshold}, x[:, perm]), keep[:, perm]
    )
    stricter = screen({"method": "availability", "min_coverage": min(1.0, threshold + 0.2)}, x)
    assert not np.any(stricter & ~keep)
