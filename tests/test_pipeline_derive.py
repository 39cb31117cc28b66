"""Deriving indicators from raw variables: ratios, parity gaps, answer levels, intervals."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import small_dataset as dataset

import mint_index as mi
from mint_index.errors import DataValidationError
from mint_index.pipeline.derive import DERIVED_REASONS, derive, wilson_interval


def column(fw: mi.Framework, derived: np.ndarray, indicator: str) -> np.ndarray:
    return derived[0, :, fw.indicator_ids.index(indicator)]


def test_ratio_parity_and_levels(small_framework: mi.Framework) -> None:
    data = dataset({"A": {}, "B": {"council_migrant": 12, "advisory_council": 2, "kita_mig": 45}})
    d = derive(data, small_framework)
    # council share: 6/30*100 = 20 and 12/30*100 = 40
    assert column(small_framework, d.values, "council_share") == pytest.approx([20.0, 40.0])
    # parity gap: (30/50 - 160/200) * 100 = -20; (45/50 - 0.8) * 100 = 10
    assert column(small_framework, d.values, "kita_parity") == pytest.approx([-20.0, 10.0])
    # answer levels 0/1/2 -> 0/50/100
    assert column(small_framework, d.values, "advisory") == pytest.approx([50.0, 100.0])
    # a direct percentage passes through
    assert column(small_framework, d.values, "employment") == pytest.approx([50.0, 50.0])
    # denominators: seats for the ratio, the group's children for the parity gap
    assert column(small_framework, d.denominator, "council_share") == pytest.approx([30, 30])
    assert column(small_framework, d.denominator, "kita_parity") == pytest.approx([50, 50])
    assert np.isnan(column(small_framework, d.denominator, "employment")).all()


def test_wilson_interval_known_value() -> None:
    # 5 of 10 at 95 %: the published Wilson interval is 0.2366 .. 0.7634
    lo, hi = wilson_interval(np.array([5.0]), np.array([10.0]))
    assert lo[0] == pytest.approx(0.2366, abs=1e-4)
    assert hi[0] == pytest.approx(0.7634, abs=1e-4)
    # 0 of 20: lower bound 0, upper z^2/(n+z^2) = 3.8415/23.8415
    lo, hi = wilson_interval(np.array([0.0]), np.array([20.0]))
    assert lo[0] == pytest.approx(0.0, abs=1e-12)
    assert hi[0] == pytest.approx(1.959963984540054**2 / (20 + 1.959963984540054**2), rel=1e-9)


def test_rate_interval_on_indicator_scale(small_framework: mi.Framework) -> None:
    d = derive(dataset({"A": {"council_migrant": 15}}), small_framework)
    i = small_framework.indicator_ids.index("council_share")
    lo_p, hi_p = wilson_interval(np.array([15.0]), np.array([30.0]))
    assert d.lower[0, 0, i] == pytest.approx(lo_p[0] * 100)
    assert d.upper[0, 0, i] == pytest.approx(hi_p[0] * 100)
    # parity gap carries the group's interval shifted by the reference rate
    k = small_framework.indicator_ids.index("kita_parity")
    g_lo, g_hi = wilson_interval(np.array([30.0]), np.array([50.0]))
    assert d.lower[0, 0, k] == pytest.approx((g_lo[0] - 0.8) * 100)
    assert d.upper[0, 0, k] == pytest.approx((g_hi[0] - 0.8) * 100)


def test_small_denominators_are_unreliable(small_framework: mi.Framework) -> None:
    # kita_parity needs at least 20 children in the group; council_share 10 seats
    d = derive(dataset({"A": {"children_mig": 19, "kita_mig": 5}, "B": {"council_seats": 9,
               "council_migrant": 1}}), small_framework)
    assert column(small_framework, d.unreliable, "kita_parity").tolist() == [True, False]
    assert column(small_framework, d.unreliable, "council_share").tolist() == [False, True]


def test_missing_reasons_travel(small_framework: mi.Framework) -> None:
    data = dataset({"A": {"council_migrant": np.nan}, "B": {"council_seats": 0}})
    long = data.long
    long.loc[(long.unit == "A") & (long.variable == "council_migrant"), "missing_reason"] = "locked"
    data = mi.Dataset.from_long(long)
    d = derive(data, small_framework)
    reasons = [DERIVED_REASONS[r] for r in column(small_framework, d.reason, "council_share")]
    assert reasons == ["locked", "zero_denominator"]
    assert np.isnan(column(small_framework, d.values, "council_share")).all()


def test_unknown_answer_code_and_missing_variable(small_framework: mi.Framework) -> None:
    with pytest.raises(DataValidationError) as info:
        derive(dataset({"A": {"advisory_council": 7}}), small_framework)
    assert info.value.failures.loc[0, "column"] == "advisory"
    assert "not among the levels" in info.value.failures.loc[0, "reason"]
    long = dataset({"A": {}}).long
    with pytest.raises(DataValidationError) as info:
        derive(mi.Dataset.from_long(long[long.variable != "kita_mig"]), small_framework)
    assert info.value.failures["column"].tolist() == ["kita_mig"]
