"""Imputation methods: known answers, panel methods, COINr i_mean_grp on ASEM data."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from mint_index.errors import SpecError
from mint_index.methods import parse_step
from mint_index.methods.base import ImputeContext

ASEM = Path(__file__).parent / "fixtures" / "coinr" / "asem_idata.csv"
nan = np.nan


def run(spec: dict, x: np.ndarray, ctx: ImputeContext) -> np.ndarray:
    method, params = parse_step("impute", spec)
    before = x.copy()
    out = method.func(x, params, ctx)
    np.testing.assert_array_equal(x, before)  # input untouched
    observed = ~np.isnan(x)
    np.testing.assert_array_equal(out[observed], x[observed])  # present values never change
    return out


def test_mean_and_median_over_all_units_per_year() -> None:
    # 2 years, 4 units, 1 indicator
    x = np.array([[[1.0], [nan], [2.0], [9.0]], [[nan], [4.0], [6.0], [nan]]])
    ctx = ImputeContext(years=np.array([2020, 2021]))
    out = run({"method": "mean"}, x, ctx)
    np.testing.assert_allclose(out[:, :, 0], [[1, 4, 2, 9], [5, 4, 6, 5]], rtol=1e-12, atol=1e-12)
    med = run({"method": "median"}, x, ctx)
    np.testing.assert_allclose(med[:, :, 0], [[1, 2, 2, 9], [5, 4, 6, 5]], rtol=1e-12, atol=1e-12)


def test_mean_by_group_leaves_ungrouped_units_and_empty_groups_missing() -> None:
    x = np.array([[[1.0, nan], [3.0, 5.0], [nan, nan], [10.0, 7.0], [nan, 1.0]]])
    groups = {"peer": np.array([0, 0, 0, 1, -1])}
    ctx = ImputeContext(years=np.array([2020]), groups=groups)
    out = run({"method": "mean", "by": "peer"}, x, ctx)
    # group 0 (units 0-2): indicator 0 mean of 1, 3 = 2; indicator 1 mean of 5 = 5
    np.testing.assert_allclose(out[0, :, 0], [1, 3, 2, 10, nan], rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(out[0, :, 1], [5, 5, 5, 7, 1], rtol=1e-12, atol=1e-12)


def test_median_by_group_even_count() -> None:
    x = np.array([[[1.0], [4.0], [2.0], [10.0], [nan], [100.0]]])
    ctx = ImputeContext(years=np.array([2020]), groups={"g": np.array([0, 0, 0, 0, 0, 1])})
    out = run({"method": "median", "by": "g"}, x, ctx)
    assert out[0, 4, 0] == pytest.approx((2 + 4) / 2, rel=1e-12, abs=1e-12)


def test_unknown_group_column_lists_the_valid_ones() -> None:
    ctx = ImputeContext(years=np.array([2020]), groups={"peer": np.zeros(2, int)})
    with pytest.raises(SpecError, match="peer"):
        run({"method": "mean", "by": "land"}, np.zeros((1, 2, 1)), ctx)


def test_locf_carries_forward_and_respects_max_years() -> None:
    years = np.array([2015, 2016, 2018, 2019])
    x = np.array([nan, 1.0, nan, nan])[:, None, None] * np.ones((1, 1, 1))
    ctx = ImputeContext(years=years)
    out = run({"method": "locf"}, x, ctx)
    np.testing.assert_allclose(out[:, 0, 0], [nan, 1, 1, 1], rtol=1e-12, atol=1e-12)
    limited = run({"method": "locf", "max_years": 2}, x, ctx)
    np.testing.assert_allclose(limited[:, 0, 0], [nan, 1, 1, nan])  # 2019 is 3 years on


def test_linear_interpolates_in_calendar_years_without_extrapolating() -> None:
    years = np.array([2010, 2011, 2014, 2015, 2016])
    x = np.array([nan, 2.0, nan, 10.0, nan])[:, None, None]
    ctx = ImputeContext(years=years)
    out = run({"method": "linear"}, x, ctx)
    # 2014 lies 3/4 of the way from 2011 (2) to 2015 (10): 2 + 8 * 3/4 = 8
    np.testing.assert_allclose(out[:, 0, 0], [nan, 2, 8, 10, nan], rtol=1e-12, atol=1e-12)
    ends = run({"method": "linear", "ends": "nearest"}, x, ctx)
    np.testing.assert_allclose(ends[:, 0, 0], [2, 2, 8, 10, 10], rtol=1e-12, atol=1e-12)


def test_panel_methods_work_per_unit_and_indicator_at_once() -> None:
    x = np.array(
        [
            [[1.0, nan], [nan, 3.0]],
            [[nan, 5.0], [2.0, nan]],
            [[3.0, nan], [nan, nan]],
        ]
    )
    ctx = ImputeContext(years=np.array([2000, 2001, 2002]))
    out = run({"method": "linear"}, x, ctx)
    np.testing.assert_allclose(out[:, 0, 0], [1, 2, 3], rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(out[:, 0, 1], [nan, 5, nan], rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(out[:, 1, 0], [nan, 2, nan], rtol=1e-12, atol=1e-12)
    locf = run({"method": "locf"}, x, ctx)
    np.testing.assert_allclose(locf[:, 1, 1], [3, 3, 3], rtol=1e-12, atol=1e-12)


def test_coinr_i_mean_grp_on_asem() -> None:
    """COINr: Impute(coin, f_i = "i_mean_grp", use_group = "EurAsia_group"): a missing value
    becomes the mean of the observed values of the same group (per column)."""
    data = pd.read_csv(ASEM)
    cols = ["ConSpeed", "Pat", "Poverty"]
    x = data[cols].to_numpy(dtype=float)[None]
    group_codes, _ = pd.factorize(data["EurAsia_group"])
    ctx = ImputeContext(years=np.array([2018]), groups={"EurAsia_group": group_codes})
    out = run({"method": "mean", "by": "EurAsia_group"}, x, ctx)
    for j, col in enumerate(cols):
        for row in np.flatnonzero(data[col].isna()):
            same = data["EurAsia_group"] == data["EurAsia_group"].iloc[row]
            values = data.loc[same, col].dropna().tolist()
            expected = sum(values) / len(values)
            assert out[0, row, j] == pytest.approx(expected, rel=1e-9)
    assert not np.isnan(out).any()


# ---- properties --------------------------------------------------------------------------

cells = st.one_of(st.just(nan), st.floats(-1e6, 1e6, allow_nan=False))
cubes = arrays(
    np.float64, st.tuples(st.integers(1, 4), st.integers(1, 6), st.integers(1, 3)), elements=cells
)


@settings(max_examples=50, deadline=None)
@given(
    cubes, st.sampled_from(["mean", "median", "locf", "linear"]), st.randoms(use_true_random=False)
)
def test_unit_order_does_not_change_imputation(x: np.ndarray, method: str, rnd) -> None:
    n_y, n_u, _ = x.shape
    perm = list(range(n_u))
    rnd.shuffle(perm)
    codes = np.arange(n_u) % 2
    ctx = ImputeContext(years=np.arange(2000, 2000 + n_y), groups={"g": codes})
    ctx_perm = ImputeContext(years=ctx.years, groups={"g": codes[perm]})
    spec = {"method": method, "by": "g"} if method in ("mean", "median") else {"method": method}
    out = run(spec, x, ctx)
    out_perm = run(spec, x[:, perm], ctx_perm)
    np.testing.assert_allclose(out[:, perm], out_perm, rtol=1e-12, atol=1e-6)


@settings(max_examples=50, deadline=None)
@given(cubes)
def test_imputed_mean_lies_within_observed_range(x: np.ndarray) -> None:
    out = run({"method": "mean"}, x, ImputeContext(years=np.arange(x.shape[0])))
    lo = np.nanmin(np.where(np.isnan(x), np.inf, x), axis=1, keepdims=True)
    hi = np.nanmax(np.where(np.isnan(x), -np.inf, x), axis=1, keepdims=True)
    filled = np.isnan(x) & ~np.isnan(out)
    tol = 1e-9 * (1 + np.abs(np.broadcast_to(hi, x.shape)))
    assert np.all(out[filled] >= np.broadcast_to(lo, x.shape)[filled] - tol[filled])
    assert np.all(out[filled] <= np.broadcast_to(hi, x.shape)[filled] + tol[filled])


# ---- COINr parity: row_mean, constant -------------------------------------------------------


def test_row_mean_within_parent_on_minmax_scale() -> None:
    # COINr Impute(impute_by = "row", group_level = 2): per indicator z = (x d - min) /
    # (max - min) over the units; a missing z is the mean of the unit's z under the same
    # parent; back with x = (z (max - min) + min) d.
    # Indicators a, b (parent P, b lower is better) and c (parent Q); 1 year, 3 units.
    x = np.array([[[0.0, 10.0, 5.0], [10.0, nan, 7.0], [5.0, 30.0, nan]]])
    ctx = ImputeContext(
        years=np.array([2020]), direction=np.array([1.0, -1.0, 1.0]), parents=np.array([0, 0, 1])
    )
    out = run({"method": "row_mean"}, x, ctx)
    # a: z = 0, 1, 0.5. b: x d = -10, ., -30 -> min -30, span 20 -> z = 1, ., 0.
    # unit 1, b: z = mean(z_a) = 1 -> x d = 1 * 20 - 30 = -10 -> x = 10.
    assert out[0, 1, 1] == pytest.approx(10.0, abs=1e-12)
    # unit 2, c: c's only sibling under Q is c itself: stays missing
    assert np.isnan(out[0, 2, 2])
    # with c under P too, unit 2's c gets z = mean(0.5, 0) = 0.25 -> 5 + 0.25 * 2 = 5.5
    one_parent = ImputeContext(years=np.array([2020]), direction=np.array([1.0, -1.0, 1.0]))
    out = run({"method": "row_mean"}, x, one_parent)
    assert out[0, 2, 2] == pytest.approx(5.5, abs=1e-12)
    # unit 1, b: z = mean(1, z_c = 1) = 1 -> 10
    assert out[0, 1, 1] == pytest.approx(10.0, abs=1e-12)


def test_row_mean_each_year_on_its_own_and_constant_indicator() -> None:
    # year 2: a is constant 4 -> a unit missing a gets the constant (span 0)
    x = np.array(
        [
            [[1.0, 2.0], [3.0, nan], [5.0, 6.0]],
            [[4.0, 0.0], [nan, 1.0], [4.0, 2.0]],
        ]
    )
    out = run({"method": "row_mean"}, x, ImputeContext(years=np.array([2020, 2021])))
    # 2020, unit 1, b: z_a = (3 - 1) / 4 = 0.5 -> b = 2 + 0.5 * 4 = 4
    assert out[0, 1, 1] == pytest.approx(4.0, abs=1e-12)
    assert out[1, 1, 0] == pytest.approx(4.0, abs=1e-12)


def test_row_mean_in_the_engine_uses_each_indicators_parent_and_direction() -> None:
    # ASEM: indicators of one parent fill each other; COINr's definition by hand with pandas
    import mint_index as mi

    fixtures = Path(__file__).parent / "fixtures" / "coinr"
    fw, data = mi.read_coinr(fixtures / "asem_idata.csv", fixtures / "asem_imeta.csv")
    res = mi.score(data, fw, impute={"method": "row_mean"})
    meta = pd.read_csv(fixtures / "asem_imeta.csv")
    ind = meta[meta["Type"] == "Indicator"].set_index("iCode")
    raw = res.stage("screened").xs(res.years[0], level="year")
    xd = raw * ind["Direction"]
    z = (xd - xd.min()) / (xd.max() - xd.min())
    expected = raw.copy()
    for _, kids in ind.groupby("Parent").groups.items():
        block = z[list(kids)]
        fill = block.mean(axis=1)
        for code in kids:
            lo, span = xd[code].min(), xd[code].max() - xd[code].min()
            back = (fill * span + lo) * ind.loc[code, "Direction"]
            expected[code] = raw[code].fillna(back)
    got = res.stage("imputed").xs(res.years[0], level="year")
    assert raw.isna().to_numpy().sum() > 0
    np.testing.assert_allclose(got.to_numpy(), expected[got.columns].to_numpy(), rtol=1e-12)


def test_constant_carries_forward_and_the_first_back() -> None:
    # COINr impute_panel "constant": approx(method = "constant", rule = 2):
    # . 2 . . 5 . -> 2 2 2 2 5 5; all missing stays missing; unequal year spacing is irrelevant
    x = np.array([nan, 2.0, nan, nan, 5.0, nan])[:, None, None]
    x = np.concatenate([x, np.full_like(x, nan)], axis=1)
    ctx = ImputeContext(years=np.array([2010, 2011, 2013, 2014, 2018, 2020]))
    out = run({"method": "constant"}, x, ctx)
    np.testing.assert_array_equal(out[:, 0, 0], [2.0, 2.0, 2.0, 2.0, 5.0, 5.0])
    assert np.isnan(out[:, 1, 0]).all()
    # locf ("latest") keeps the leading gap; linear with nearest ends interpolates
    locf = run({"method": "locf"}, x, ctx)
    np.testing.assert_array_equal(locf[:, 0, 0], [nan, 2.0, 2.0, 2.0, 5.0, 5.0])
