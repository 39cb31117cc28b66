"""Year-on-year changes, by hand."""

from __future__ import annotations

import numpy as np

from mint_index.rules.changes import year_on_year


def test_year_on_year_along_any_axis() -> None:
    scores = np.array([[10.0, 12.0, np.nan, 15.0]])  # [unit, year]
    got = year_on_year(scores, axis=1)
    np.testing.assert_array_equal(got, [[np.nan, 2.0, np.nan, np.nan]])
    np.testing.assert_array_equal(year_on_year(scores.T, axis=0), got.T)
