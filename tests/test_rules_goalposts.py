"""Goalposts mapping and the value to reach, by hand."""

from __future__ import annotations

import numpy as np
import pytest

import mint_index as mi
from mint_index.rules.goalposts import goalpost_bounds, goalpost_share, target_value


def test_goalpost_share_by_hand() -> None:
    # higher is better, goalposts 30..80: 55 is half way; 90 clips to 1, 20 to 0
    got = goalpost_share(np.array([55.0, 90.0, 20.0]), 30.0, 80.0, True)
    np.testing.assert_allclose(got, [0.5, 1.0, 0.0])
    # lower is better: 40 of -40..0 ... (0 - (-10)) / 40 = 0.25
    assert goalpost_share(-10.0, -40.0, 0.0, False) == pytest.approx(0.25)
    assert goalpost_share(90.0, 30.0, 80.0, True, clip=False) == pytest.approx(1.2)


def test_bounds_and_target(small_framework: mi.Framework) -> None:
    bounds = goalpost_bounds(small_framework.indicators)
    employment = small_framework.indicator_ids.index("employment")
    assert bounds[employment].tolist() == [30.0, 80.0]  # framework_small/education.yaml
    ind = small_framework.indicator("employment")
    expected = ind.target.value if ind.target is not None else 80.0
    assert target_value(ind) == expected
