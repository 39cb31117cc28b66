"""Peer statistics by hand: median, type-7 quartiles and best per group."""

from __future__ import annotations

import numpy as np
import pytest

from mint_index.rules.peers import peer_statistics


def test_peer_statistics_by_hand() -> None:
    # group 0: 4, 1, NaN, 3, 2 -> sorted 1 2 3 4; group 1: 7 alone; unit 6 has no group
    values = np.array([[4.0], [1.0], [np.nan], [7.0], [3.0], [2.0], [100.0]])
    codes = np.array([0, 0, 0, 1, 0, 0, -1])
    stats = peer_statistics(values, codes, 3)
    assert stats.median[:2, 0].tolist() == [2.5, 7.0]
    # type 7: h = (4 - 1) * 0.25 = 0.75 -> 1 + 0.75 * (2 - 1)
    assert stats.q1[0, 0] == pytest.approx(1.75) and stats.q3[0, 0] == pytest.approx(3.25)
    assert stats.q1[1, 0] == 7.0 and stats.q3[1, 0] == 7.0
    assert stats.best[:2, 0].tolist() == [4.0, 7.0]
    assert stats.count[:, 0].tolist() == [4, 1, 0]
    assert np.isnan(stats.median[2, 0]) and np.isnan(stats.best[2, 0])  # an empty group


def test_quartiles_match_numpy() -> None:
    rng = np.random.default_rng(3)
    values = rng.normal(size=(41, 3))
    values[rng.random(values.shape) < 0.2] = np.nan
    codes = rng.integers(0, 2, size=41)
    stats = peer_statistics(values, codes, 2)
    for g in range(2):
        part = values[codes == g]
        np.testing.assert_allclose(stats.q1[g], np.nanquantile(part, 0.25, axis=0), rtol=1e-12)
        np.testing.assert_allclose(stats.median[g], np.nanmedian(part, axis=0), rtol=1e-12)
