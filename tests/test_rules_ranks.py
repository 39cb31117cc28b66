"""Ranks by hand, and against pandas' ``rank(method="min", ascending=False)``, the rule's
definition: 1 = highest, equal scores share the lowest rank, missing scores unranked."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from mint_index.rules.ranks import nan_for_unranked, rank_dtype, rank_rows


def test_ranks_by_hand() -> None:
    # 70 is first; the two 50s and 50 + 1e-10 (a difference of 1.4e-12 of the largest
    # score: floating-point noise) share rank 2, 50 + 1e-6 does not; NaN: 0
    scores = np.array(
        [[50.0, 50.0 + 1e-10, 50.0, np.nan, 70.0], [50.0, 50.0 + 1e-6, 50.0, 1.0, 70.0]]
    )
    assert rank_rows(scores).tolist() == [[2, 2, 2, 0, 1], [3, 2, 3, 5, 1]]
    assert rank_rows(scores).dtype == np.uint16


def test_scores_equal_but_for_their_last_bits_tie() -> None:
    """The example district's three towns at 33.333333 on a dimension, summed in
    different orders: ranked 12, 12 and 14 by their last bits; 12 each now."""
    third = (np.float64(100.0) + 0.0) / 3
    other = np.nextafter(third, 0.0)  # a last bit lower
    scores = np.array([[90.0, third, other, third, 10.0]])
    assert rank_rows(scores).tolist() == [[1, 2, 2, 2, 5]]


def test_peer_ranks_by_hand() -> None:
    # group 0: 9, 5, 5 -> 1, 2, 2; group 1: 7, NaN -> 1, 0; the unit without a group: 0
    scores = np.array([[9.0, 7.0, 5.0, 100.0, 5.0, np.nan]])
    groups = np.array([0, 1, 0, -1, 0, 1])
    assert rank_rows(scores, groups).tolist() == [[1, 1, 2, 0, 2, 0]]


def test_unranked_as_nan() -> None:
    got = nan_for_unranked(np.array([[2, 0, 1]], dtype=np.uint16))
    np.testing.assert_array_equal(got, [[2.0, np.nan, 1.0]])


def test_rank_dtype_holds_every_rank() -> None:
    assert rank_dtype(65_534) is np.uint16 and rank_dtype(65_535) is np.uint32


_scores = arrays(
    np.float64,
    st.tuples(st.integers(1, 4), st.integers(1, 30)),
    elements=st.sampled_from([np.nan, -1.5, 0.0, 2.0, 2.0 + 1e-6, 3.25, 100.0]),
)


@settings(max_examples=200, deadline=None)
@given(_scores, st.data())
def test_ranks_are_pandas_min_ranks(scores: np.ndarray, data: st.DataObject) -> None:
    expected = pd.DataFrame(scores.T).rank(method="min", ascending=False).to_numpy().T
    np.testing.assert_array_equal(nan_for_unranked(rank_rows(scores)), expected)
    groups = np.array(
        data.draw(st.lists(st.integers(-1, 2), min_size=scores.shape[1], max_size=scores.shape[1]))
    )
    by_group = (
        pd.DataFrame(scores.T)
        .groupby(groups, sort=False)
        .rank(method="min", ascending=False)
        .to_numpy(dtype=float, copy=True)
        .T
    )
    by_group[:, groups < 0] = np.nan
    np.testing.assert_array_equal(nan_for_unranked(rank_rows(scores, groups)), by_group)
