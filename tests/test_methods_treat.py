"""Outlier treatment: estimators, COINr's winsorisation and log_CT, checked against a plain
one-column re-statement of COINr's documented algorithm and hand-computed values."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from mint_index.errors import SpecError
from mint_index.methods import parse_step
from mint_index.methods.base import TreatContext, TreatResult
from mint_index.methods.treat import skew_kurtosis

ASEM = Path(__file__).parent / "fixtures" / "coinr" / "asem_idata.csv"
nan = np.nan


# ---- a scalar restatement of COINr's definitions (skew, kurt, winsorise, log_CT) --------


def ref_skew(v: list[float]) -> float:
    n = len(v)
    m = sum(v) / n
    m2 = sum((a - m) ** 2 for a in v)
    m3 = sum((a - m) ** 3 for a in v)
    return math.sqrt(n) * m3 / m2**1.5 * math.sqrt(n * (n - 1)) / (n - 2)


def ref_kurt(v: list[float]) -> float:
    n = len(v)
    m = sum(v) / n
    m2 = sum((a - m) ** 2 for a in v)
    m4 = sum((a - m) ** 4 for a in v)
    r = n * m4 / m2**2
    return ((n + 1) * (r - 3) + 6) * (n - 1) / ((n - 2) * (n - 3))


def ref_passes(v: list[float], s: float = 2.0, k: float = 3.5) -> bool:
    if max(v) == min(v):  # no spread: nothing to treat (COINr's skew() would give NaN)
        return True
    return abs(ref_skew(v)) < s or ref_kurt(v) < k


def ref_treat(v: list[float], winmax: int = 5) -> tuple[list[float], int, bool]:
    """COINr Treat(): winsorise, else log_CT of the original values. Returns values,
    points winsorised, log applied."""
    x = list(v)
    if ref_passes(x):
        return x, 0, False
    imax: list[int] = []
    imin: list[int] = []
    nwin = 0
    passing = False
    while not passing and nwin < winmax:
        if ref_skew(x) >= 0:
            top = max(x)
            imax = [i for i, a in enumerate(x) if a == top]
            x = [max(a for a in x if a != top) if a == top else a for a in x]
        else:
            bottom = min(x)
            imin = [i for i, a in enumerate(x) if a == bottom]
            x = [min(a for a in x if a != bottom) if a == bottom else a for a in x]
        nwin = len(imax) + len(imin)
        if max(x) == min(x):  # check_SkewKurt gives NA: Treat keeps the column untreated
            return list(v), 0, False
        passing = ref_passes(x)
    if passing:
        return x, sum(a != b for a, b in zip(x, v, strict=True)), False
    lo, hi = min(v), max(v)
    return [math.log(a - lo + 0.01 * (hi - lo)) for a in v], 0, True


def run(spec: dict, x: np.ndarray) -> TreatResult:
    method, params = parse_step("treat", spec)
    before = x.copy()
    ctx = TreatContext(
        years=np.arange(x.shape[0]), indicator_ids=tuple(f"i{k}" for k in range(x.shape[2]))
    )
    out = method.func(x, params, ctx)
    np.testing.assert_array_equal(x, before)
    assert out.values.shape == x.shape
    return out


# ---- estimators --------------------------------------------------------------------------


def test_skew_and_kurtosis_match_hand_computation() -> None:
    v = [1.0, 2.0, 3.0, 4.0, 10.0]
    # mean 4; deviations -3 -2 -1 0 6; m2 = 50, m3 = -27-8-1+216 = 180, m4 = 81+16+1+1296 = 1394
    skew = math.sqrt(5) * 180 / 50**1.5 * math.sqrt(20) / 3
    r = 5 * 1394 / 2500
    kurt = (6 * (r - 3) + 6) * 4 / (3 * 2)
    s, k = skew_kurtosis(np.array([*v, nan])[None, :, None])
    assert s[0, 0] == pytest.approx(skew, rel=1e-12)
    assert k[0, 0] == pytest.approx(kurt, rel=1e-12)


def test_estimators_need_four_values_and_spread() -> None:
    s, k = skew_kurtosis(np.array([[[1.0, 5.0], [2.0, 5.0], [9.0, 5.0], [nan, 5.0]]]))
    assert np.isnan(s).all() and np.isnan(k).all()


@settings(max_examples=40, deadline=None)
@given(
    arrays(
        np.float64,
        (2, 9, 3),
        elements=st.one_of(st.just(nan), st.floats(-1e3, 1e3, allow_subnormal=False)),
    )
)
def test_estimators_match_reference_on_the_values_present(x: np.ndarray) -> None:
    s, k = skew_kurtosis(x)
    for y in range(x.shape[0]):
        for i in range(x.shape[2]):
            v = [float(a) for a in x[y, :, i] if not math.isnan(a)]
            if len(v) < 4 or max(v) - min(v) < 1e-6 * max(1.0, *map(abs, v)):
                continue  # too few values, or rounding decides the (tiny) spread
            assert s[y, i] == pytest.approx(ref_skew(v), rel=1e-9, abs=1e-9)
            assert k[y, i] == pytest.approx(ref_kurt(v), rel=1e-9, abs=1e-9)


def test_none_keeps_values_and_records_the_statistics_once() -> None:
    v = [*map(float, range(1, 11)), 30.0, 100.0]
    x = np.array([[*v, nan], [nan, *v[::-1]]]).T[None]  # [1 year, 13 units, 2 indicators]
    out = run({"method": "none"}, x)
    np.testing.assert_array_equal(out.values, x)
    assert not out.winsorised.any() and not out.points.any() and not out.log_transformed.any()
    for i in range(2):
        assert out.skew_before[0, i] == pytest.approx(ref_skew(v), rel=1e-12)
        assert out.kurt_before[0, i] == pytest.approx(ref_kurt(v), rel=1e-12)
    np.testing.assert_array_equal(out.skew_after, out.skew_before)
    np.testing.assert_array_equal(out.kurt_after, out.kurt_before)


# ---- winsorisation -----------------------------------------------------------------------


def test_coinr_example_two_outliers() -> None:
    """COINr's documented example: x <- c(1:10, 30, 100)."""
    v = [*map(float, range(1, 11)), 30.0, 100.0]
    expected, points, logged = ref_treat(v)
    out = run({"method": "winsorise"}, np.array(v)[None, :, None])
    np.testing.assert_allclose(out.values[0, :, 0], expected, rtol=1e-12)
    assert out.points[0, 0] == points and bool(out.log_transformed[0, 0]) == logged
    assert points >= 1 and not logged
    # the 100 was winsorised down to a value from the bulk of the data
    assert out.winsorised[0, 11, 0] and out.values[0, 11, 0] < 100
    assert out.skew_before[0, 0] == pytest.approx(ref_skew(v), rel=1e-12)
    assert out.kurt_after[0, 0] == pytest.approx(ref_kurt(expected), rel=1e-12)


def test_one_point_winsorised_by_hand() -> None:
    # 19 ones and twos and one 50: after replacing 50 by the next value, the column passes
    v = [1.0, 2.0] * 9 + [1.0, 50.0]
    assert not ref_passes(v)
    treated = [*v[:-1], 2.0]
    assert ref_passes(treated)
    out = run({"method": "winsorise"}, np.array(v)[None, :, None])
    np.testing.assert_allclose(out.values[0, :, 0], treated)
    assert out.points[0, 0] == 1
    assert out.winsorised[0, :, 0].tolist() == [False] * 19 + [True]


def test_negative_skew_winsorises_the_low_end() -> None:
    v = [-50.0] + [1.0, 2.0] * 9 + [1.0]
    out = run({"method": "winsorise"}, np.array(v)[None, :, None])
    assert out.values[0, 0, 0] == 1.0
    assert out.points[0, 0] == 1


def test_log_fallback_on_original_values_when_max_points_are_not_enough() -> None:
    v = [1.0] * 20 + [100.0, 1000.0, 10000.0]
    expected, _, logged = ref_treat(v, winmax=1)
    assert logged
    out = run({"method": "winsorise", "max_points": 1}, np.array(v)[None, :, None])
    lo, hi = 1.0, 10000.0
    by_hand = [math.log(a - lo + 0.01 * (hi - lo)) for a in v]
    np.testing.assert_allclose(out.values[0, :, 0], by_hand, rtol=1e-12)
    np.testing.assert_allclose(expected, by_hand, rtol=1e-12)
    assert out.log_transformed[0, 0] and out.points[0, 0] == 0
    assert not out.winsorised.any()
    kept = run(
        {"method": "winsorise", "max_points": 1, "fallback": "none"}, np.array(v)[None, :, None]
    )
    assert not kept.log_transformed[0, 0] and kept.points[0, 0] == 1
    assert kept.values[0, 22, 0] == 1000.0
    # with the default five points, three winsorised points make the column constant:
    # COINr's check gives NA and the column stays untreated (D8)
    default = run({"method": "winsorise"}, np.array(v)[None, :, None])
    assert ref_treat(v) == (v, 0, False)
    assert default.points[0, 0] == 0 and not default.log_transformed[0, 0]
    np.testing.assert_array_equal(default.values[0, :, 0], v)
    assert not default.winsorised.any()


def test_passing_columns_and_other_years_are_untouched() -> None:
    skewed = [1.0, 2.0] * 9 + [1.0, 50.0]
    calm = [float(i) for i in range(20)]
    x = np.array([[skewed, calm], [calm, skewed]]).transpose(0, 2, 1)  # [year, unit, ind]
    out = run({"method": "winsorise"}, x)
    np.testing.assert_array_equal(out.values[0, :, 1], calm)
    np.testing.assert_array_equal(out.values[1, :, 0], calm)
    assert out.points.tolist() == [[1, 0], [0, 1]]


def test_log_method() -> None:
    v = [1.0] * 10 + [100.0, 1000.0, 10000.0]
    calm = [float(i) for i in range(13)]
    x = np.array([v, calm]).T[None]
    out = run({"method": "log"}, x)
    assert out.log_transformed[0].tolist() == [True, False]
    np.testing.assert_array_equal(out.values[0, :, 1], calm)
    every = run({"method": "log", "always": True}, x)  # calm: min 0, max 12 -> log(x + 0.12)
    np.testing.assert_allclose(every.values[0, :, 1], [math.log(c + 0.12) for c in calm])


def test_thresholds_are_inclusive_like_coinr() -> None:
    """COINr passes a column only if |skew| < threshold or kurtosis < threshold."""
    v = [1.0, 2.0] * 9 + [1.0, 50.0]
    s, k = ref_skew(v), ref_kurt(v)
    at = run({"method": "winsorise", "skew": s, "kurtosis": k}, np.array(v)[None, :, None])
    assert at.points[0, 0] == 1
    above = run({"method": "winsorise", "skew": s * (1 + 1e-9)}, np.array(v)[None, :, None])
    assert above.points[0, 0] == 0


def test_coinr_treat_on_asem_indicators() -> None:
    """Treat(coin) with COINr's defaults on skewed ASEM indicators, column by column."""
    data = pd.read_csv(ASEM)
    cols = ["Goods", "Services", "FDI", "Flights", "StMob", "Gas", "Pat"]
    x = data[cols].to_numpy(dtype=float)[None]
    out = run({"method": "winsorise"}, x)
    treated_somewhere = False
    for j, col in enumerate(cols):
        observed = data[col].notna().to_numpy()
        v = data.loc[observed, col].tolist()
        expected, points, logged = ref_treat(v)
        np.testing.assert_allclose(out.values[0, observed, j], expected, rtol=1e-9)
        assert out.points[0, j] == points and bool(out.log_transformed[0, j]) == logged
        assert np.isnan(out.values[0, ~observed, j]).all()
        treated_somewhere |= points > 0 or logged
    assert treated_somewhere


# ---- properties --------------------------------------------------------------------------

# mostly a small bulk with occasional far-out values, so that many columns fail the check
values = st.one_of(st.integers(-20, 20), st.integers(-(10**6), 10**6)).map(float)


@settings(max_examples=40, deadline=None)
@given(
    arrays(
        np.float64, st.tuples(st.just(1), st.integers(4, 25), st.integers(1, 3)), elements=values
    )
)
def test_winsorisation_matches_reference_and_keeps_order(x: np.ndarray) -> None:
    out = run({"method": "winsorise"}, x)
    for j in range(x.shape[2]):
        v = x[0, :, j].tolist()
        expected, points, logged = ref_treat(v)
        np.testing.assert_allclose(out.values[0, :, j], expected, rtol=1e-9, atol=1e-9)
        assert out.points[0, j] == points
        assert bool(out.log_transformed[0, j]) == logged
        # treatment is monotone: it never reverses the order of two units
        order = np.argsort(x[0, :, j], kind="stable")
        assert np.all(np.diff(out.values[0, order, j]) >= -1e-9)


# ---- COINr parity: log_CT_plus, boxcox, constant after winsorising ---------------------------

RIGHT_SKEWED = [1.0] * 20 + [100.0, 1000.0, 10000.0]


def test_log_ct_plus_positive_skew_is_log_ct() -> None:
    # COINr log_CT_plus, skew > 0: log(x - min + a), a = 0.01 (max - min)
    v = RIGHT_SKEWED
    assert ref_skew(v) > 0 and not ref_passes(v)
    out = run({"method": "log_ct_plus"}, np.array(v)[None, :, None])
    lo, hi = min(v), max(v)
    by_hand = [math.log(a - lo + 0.01 * (hi - lo)) for a in v]
    np.testing.assert_allclose(out.values[0, :, 0], by_hand, rtol=1e-12)
    assert out.log_transformed[0, 0] and out.skew_after[0, 0] == pytest.approx(ref_skew(by_hand))


def test_log_ct_plus_negative_skew_mirrors() -> None:
    # skew < 0: -log(max + a - x); the order of the values is kept
    v = [-a for a in RIGHT_SKEWED]
    assert ref_skew(v) < 0 and not ref_passes(v)
    out = run({"method": "log_ct_plus"}, np.array(v)[None, :, None])
    lo, hi = min(v), max(v)
    a = 0.01 * (hi - lo)
    by_hand = [-math.log(hi + a - x) for x in v]
    np.testing.assert_allclose(out.values[0, :, 0], by_hand, rtol=1e-12)
    assert np.all(np.diff(np.argsort(out.values[0, :, 0])) == np.diff(np.argsort(v)))


def test_log_ct_plus_leaves_passing_columns_unless_always() -> None:
    calm = [float(i) for i in range(10)]
    out = run({"method": "log_ct_plus"}, np.array(calm)[None, :, None])
    np.testing.assert_array_equal(out.values[0, :, 0], calm)
    forced = run({"method": "log_ct_plus", "always": True}, np.array(calm)[None, :, None])
    # skew of 0..9 is 0 (not > 0): the mirrored branch, -log(9 + 0.09 - x)
    np.testing.assert_allclose(
        forced.values[0, :, 0], [-math.log(9.09 - x) for x in calm], rtol=1e-12
    )


def test_boxcox_with_makepos() -> None:
    # COINr boxcox(x, lambda, makepos = TRUE): y = x - min + 1, (y^lambda - 1) / lambda
    v = RIGHT_SKEWED
    out = run({"method": "boxcox", "lambda": 0.5}, np.array(v)[None, :, None])
    by_hand = [((a - 1.0 + 1.0) ** 0.5 - 1.0) / 0.5 for a in v]
    np.testing.assert_allclose(out.values[0, :, 0], by_hand, rtol=1e-12)
    log = run({"method": "boxcox", "lambda": 0}, np.array(v)[None, :, None])
    np.testing.assert_allclose(log.values[0, :, 0], [math.log(a) for a in v], rtol=1e-12)
    shifted = [a - 5.0 for a in v]  # makepos False: the values as they are, lambda 2
    raw = run({"method": "boxcox", "lambda": 2, "makepos": False}, np.array(shifted)[None, :, None])
    np.testing.assert_allclose(raw.values[0, :, 0], [(a * a - 1) / 2 for a in shifted], rtol=1e-12)
    with pytest.raises(SpecError, match="lambda"):
        parse_step("treat", {"method": "boxcox"})


def test_winsorising_to_a_constant_leaves_the_indicator_untreated_with_other_years() -> None:
    # D8 in a panel: year 0 would become constant (kept as it was), year 1 is winsorised
    flat = RIGHT_SKEWED
    treatable = [1.0, 2.0] * 10 + [1.0, 2.0, 60.0]
    x = np.array([flat, treatable])[:, :, None]
    out = run({"method": "winsorise"}, x)
    np.testing.assert_array_equal(out.values[0, :, 0], flat)
    assert not np.isnan(out.values).any()
    expected, points, logged = ref_treat(treatable)
    np.testing.assert_allclose(out.values[1, :, 0], expected, rtol=1e-12)
    assert out.points[1, 0] == points and out.log_transformed[1, 0] == logged
