"""Year-on-year changes and coverage rules, by hand."""

from __future__ import annotations

import numpy as np

from mint_index.rules.changes import year_on_year
from mint_index.rules.coverage import indicator_coverage


def test_year_on_year_along_any_axis() -> None:
    scores = np.array([[10.0, 12.0, np.nan, 15.0]])  # [unit, year]
    got = year_on_year(scores, axis=1)
    np.testing.assert_array_equal(got, [[np.nan, 2.0, np.nan, np.nan]])
    np.testing.assert_array_equal(year_on_year(scores.T, axis=0), got.T)


def test_indicator_coverage() -> None:
    x = np.array([[[1.0, np.nan, 3.0], [np.nan, np.nan, np.nan]]])  # [year, unit, indicator]
    np.testing.assert_allclose(indicator_coverage(x), [[2 / 3, 0.0]])
    assert indicator_coverage(np.zeros((1, 2, 0))).tolist() == [[1.0, 1.0]]
