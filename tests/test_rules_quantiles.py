"""Type-7 quantiles of sorted rows, against numpy's default ``np.quantile`` (the
definition) and by hand."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as hs
from hypothesis.extra.numpy import arrays

from mint_index.rules.quantiles import quantiles_of_sorted


@settings(max_examples=40, deadline=None)
@given(
    arrays(
        np.float64, hs.tuples(hs.integers(1, 5), hs.integers(1, 25)), elements=hs.floats(-50, 50)
    ),
    hs.integers(0, 25),
)
def test_quantiles_of_sorted_match_numpy(values: np.ndarray, skip: int) -> None:
    skip = min(skip, values.shape[1] - 1)
    ordered = np.sort(values, axis=1)
    first = np.full(values.shape[0], skip)
    count = np.full(values.shape[0], values.shape[1] - skip)
    got = quantiles_of_sorted(ordered, first, count, (0.05, 0.5, 0.95))
    expected = np.quantile(ordered[:, skip:], [0.05, 0.5, 0.95], axis=1)
    assert np.allclose(got, expected, rtol=1e-12, atol=1e-12)


def test_quantiles_of_sorted_empty_rows_are_nan() -> None:
    got = quantiles_of_sorted(np.zeros((2, 3)), np.array([3, 0]), np.array([0, 3]), (0.5,))
    assert np.isnan(got[0, 0]) and got[0, 1] == 0.0


def test_quartiles_by_hand() -> None:
    # 1 2 3 4: h = 3 * 0.25 = 0.75 -> 1 + 0.75 * (2 - 1); h = 2.25 -> 3 + 0.25 * (4 - 3)
    got = quantiles_of_sorted(
        np.array([[1.0, 2.0, 3.0, 4.0]]), np.array([0]), np.array([4]), (0.25, 0.75)
    )
    assert got[:, 0].tolist() == [1.75, 3.25]
