"""Coverage rules by hand: indicators present, and children present against min_share
(COINr's dat_thresh: unweighted, a parent is missing only below the share)."""

from __future__ import annotations

import numpy as np

from mint_index.rules.coverage import enough_children, indicator_coverage, too_few_children


def test_indicator_coverage() -> None:
    x = np.array([[[1.0, np.nan, 3.0], [np.nan, np.nan, np.nan]]])  # [year, unit, indicator]
    np.testing.assert_allclose(indicator_coverage(x), [[2 / 3, 0.0]])
    assert indicator_coverage(np.zeros((1, 2, 0))).tolist() == [[1.0, 1.0]]


def test_children_present_at_the_boundary() -> None:
    nan = np.nan
    # rows: 2 of 4 present (exactly 0.5: kept), 1 of 4 (dropped), 4 of 4
    x = np.array([[1.0, nan, 2.0, nan], [nan, nan, 3.0, nan], [1.0, 2.0, 3.0, 4.0]])
    assert enough_children(x, np.ones(4), 0.5).tolist() == [True, False, True]
    # a child of weight 0 is not there at all: of the 3 others, 2 / 1 / 3 are present
    assert enough_children(x, np.array([1.0, 1.0, 1.0, 0.0]), 0.5).tolist() == [
        True,
        False,
        True,
    ]
    # with 0.7, 2 of those 3 are too few (2 / 3 < 0.7), though 2 of 4 met 0.5
    assert enough_children(x, np.array([1.0, 1.0, 1.0, 0.0]), 0.7).tolist() == [
        False,
        False,
        True,
    ]
    assert too_few_children(np.array([2, 1, 0]), 4, 0.5).tolist() == [False, True, True]
    assert too_few_children(np.array([0]), 4, 0.0).tolist() == [False]
