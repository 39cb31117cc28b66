"""Normalisation methods: known answers from the formulas, properties, COINr definitions."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from mint_index.errors import SpecError, UnknownMethodError
from mint_index.methods import get_method, parse_step
from mint_index.methods.base import NormaliseContext

ASEM = Path(__file__).parent / "fixtures" / "coinr" / "asem_idata.csv"


def ctx_for(
    n_years: int,
    n_ind: int,
    *,
    direction: list[float] | None = None,
    goalposts: list[tuple[float, float]] | None = None,
    target: list[float] | None = None,
    years: list[int] | None = None,
) -> NormaliseContext:
    gp = np.full((n_ind, 2), np.nan) if goalposts is None else np.array(goalposts, float)
    return NormaliseContext(
        years=np.array(years if years is not None else range(2020, 2020 + n_years)),
        direction=np.array(direction if direction is not None else [1.0] * n_ind),
        goalposts=gp,
        target=np.array(target if target is not None else [np.nan] * n_ind, float),
        indicator_ids=tuple(f"i{k}" for k in range(n_ind)),
    )


def run(spec: dict, x: np.ndarray, ctx: NormaliseContext) -> np.ndarray:
    method, params = parse_step("normalise", spec)
    out = method.func(x, params, ctx)
    assert out.shape == x.shape
    return out


# ---- minmax ------------------------------------------------------------------------------


def test_minmax_known_answer_single_year() -> None:
    x = np.array([[[2.0, 10.0], [4.0, np.nan], [6.0, 30.0]]])  # 1 year, 3 units, 2 indicators
    out = run({"method": "minmax"}, x, ctx_for(1, 2, direction=[1, -1]))
    # indicator 0: min 2, max 6 -> (x - 2) / 4 * 100
    np.testing.assert_allclose(out[0, :, 0], [0.0, 50.0, 100.0], rtol=1e-12, atol=1e-12)
    # indicator 1, lower is better: (max - x) / (max - min) * 100, NaN stays NaN
    np.testing.assert_allclose(out[0, :, 1], [100.0, np.nan, 0.0], rtol=1e-12, atol=1e-12)


def test_minmax_range_and_fit_modes() -> None:
    # 2 years, 2 units, 1 indicator
    x = np.array([[[0.0], [10.0]], [[10.0], [20.0]]])
    pooled = run({"method": "minmax", "range": [1, 2]}, x, ctx_for(2, 1))
    np.testing.assert_allclose(pooled[:, :, 0], [[1.0, 1.5], [1.5, 2.0]], rtol=1e-12, atol=1e-12)
    per_year = run({"method": "minmax", "fit": "per_year"}, x, ctx_for(2, 1))
    np.testing.assert_allclose(
        per_year[:, :, 0], [[0.0, 100.0], [0.0, 100.0]], rtol=1e-12, atol=1e-12
    )
    ref = run({"method": "minmax", "fit": 2020}, x, ctx_for(2, 1))
    np.testing.assert_allclose(ref[:, :, 0], [[0.0, 100.0], [100.0, 200.0]], rtol=1e-12, atol=1e-12)


def test_minmax_zero_range_gives_nan_like_coinr() -> None:
    x = np.array([[[3.0], [3.0]]])
    out = run({"method": "minmax"}, x, ctx_for(1, 1))
    assert np.isnan(out).all()


def test_minmax_rejects_inverted_range() -> None:
    with pytest.raises(SpecError, match="range"):
        parse_step("normalise", {"method": "minmax", "range": [100, 0]})


def test_reference_year_must_exist() -> None:
    x = np.zeros((1, 2, 1))
    with pytest.raises(SpecError, match="1999"):
        run({"method": "minmax", "fit": 1999}, x, ctx_for(1, 1))


# ---- goalposts ---------------------------------------------------------------------------


def test_goalposts_known_answer_with_clipping_and_direction() -> None:
    x = np.array([[[-5.0, 5.0], [25.0, 15.0], [150.0, 40.0]]])
    ctx = ctx_for(1, 2, direction=[1, -1], goalposts=[(0, 100), (10, 30)])
    out = run({"method": "goalposts"}, x, ctx)
    np.testing.assert_allclose(out[0, :, 0], [0.0, 25.0, 100.0], rtol=1e-12, atol=1e-12)
    # lower is better: (30 - x) / 20 * 100, clipped
    np.testing.assert_allclose(out[0, :, 1], [100.0, 75.0, 0.0], rtol=1e-12, atol=1e-12)


def test_goalposts_unclipped_and_scaled() -> None:
    x = np.array([[[-5.0], [150.0]]])
    ctx = ctx_for(1, 1, goalposts=[(0, 100)])
    out = run({"method": "goalposts", "clip": False, "scale": 1}, x, ctx)
    np.testing.assert_allclose(out[0, :, 0], [-0.05, 1.5], rtol=1e-12, atol=1e-12)


def test_goalposts_error_names_indicators_without_goalposts() -> None:
    ctx = ctx_for(1, 3, goalposts=[(0, 1), (np.nan, np.nan), (np.nan, np.nan)])
    with pytest.raises(SpecError, match="i1, i2"):
        run({"method": "goalposts"}, np.zeros((1, 2, 3)), ctx)


def test_unknown_method_lists_valid_ones() -> None:
    with pytest.raises(UnknownMethodError, match="minmax"):
        get_method("normalise", "minmaxx")


# ---- zscore, rank, prank ------------------------------------------------------------------


def test_zscore_known_answer_uses_sample_sd() -> None:
    x = np.array([[[1.0], [2.0], [3.0], [6.0]]])
    out = run({"method": "zscore", "mean": 10, "sd": 2}, x, ctx_for(1, 1))
    mean = 3.0
    sd = np.sqrt(((1 - 3) ** 2 + (2 - 3) ** 2 + 0 + (6 - 3) ** 2) / 3)  # n - 1 = 3
    np.testing.assert_allclose(
        out[0, :, 0], (np.array([1, 2, 3, 6]) - mean) / sd * 2 + 10, rtol=1e-12, atol=1e-12
    )


def test_zscore_lower_is_better_flips_sign() -> None:
    x = np.array([[[1.0], [2.0], [3.0]]])
    up = run({"method": "zscore"}, x, ctx_for(1, 1))
    down = run({"method": "zscore"}, x, ctx_for(1, 1, direction=[-1]))
    np.testing.assert_allclose(down, -up, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(up[0, :, 0], [-1.0, 0.0, 1.0])  # sd of 1, 2, 3 is 1


def test_rank_ties_share_lowest_rank_and_nan_stays() -> None:
    x = np.array([[[5.0], [1.0], [5.0], [np.nan], [3.0]]])
    out = run({"method": "rank"}, x, ctx_for(1, 1))
    np.testing.assert_allclose(out[0, :, 0], [3.0, 1.0, 3.0, np.nan, 2.0], rtol=1e-12, atol=1e-12)
    out_low = run({"method": "rank"}, x, ctx_for(1, 1, direction=[-1]))
    np.testing.assert_allclose(
        out_low[0, :, 0], [1.0, 4.0, 1.0, np.nan, 3.0], rtol=1e-12, atol=1e-12
    )


def test_prank_known_answer() -> None:
    x = np.array([[[5.0], [1.0], [5.0], [np.nan], [3.0]]])
    # ranks (min ties) 3, 1, 3, -, 2; n = 4 -> (r - 1) / 3
    out = run({"method": "prank", "scale": 1}, x, ctx_for(1, 1))
    np.testing.assert_allclose(
        out[0, :, 0], [2 / 3, 0.0, 2 / 3, np.nan, 1 / 3], rtol=1e-12, atol=1e-12
    )


def test_rank_fit_modes_on_a_panel() -> None:
    # year 2020: 1, 2, 3; year 2021: 2.5, 10, 0
    x = np.array([[[1.0], [2.0], [3.0]], [[2.5], [10.0], [0.0]]])
    per_year = run({"method": "rank", "fit": "per_year"}, x, ctx_for(2, 1))
    np.testing.assert_allclose(per_year[:, :, 0], [[1, 2, 3], [2, 3, 1]], rtol=1e-12, atol=1e-12)
    pooled = run({"method": "rank"}, x, ctx_for(2, 1))  # among 0, 1, 2, 2.5, 3, 10
    np.testing.assert_allclose(pooled[:, :, 0], [[2, 3, 5], [4, 6, 1]], rtol=1e-12, atol=1e-12)
    ref = run({"method": "rank", "fit": 2020}, x, ctx_for(2, 1))  # 1 + count below in 1, 2, 3
    np.testing.assert_allclose(ref[:, :, 0], [[1, 2, 3], [3, 4, 1]], rtol=1e-12, atol=1e-12)
    pr = run({"method": "prank", "fit": 2020}, x, ctx_for(2, 1))  # (below) / 2, clipped
    np.testing.assert_allclose(pr[:, :, 0], [[0, 50, 100], [100, 100, 0]], rtol=1e-12, atol=1e-12)


# ---- distance to target / reference -------------------------------------------------------


def test_dist2targ_both_directions_and_cap() -> None:
    x = np.array([[[2.0, 2.0], [4.0, 4.0], [12.0, 12.0]]])
    ctx = ctx_for(1, 2, direction=[1, -1], target=[10.0, 4.0])
    out = run({"method": "dist2targ", "cap": False, "scale": 1}, x, ctx)
    # higher: (x - min) / (targ - min) = (x - 2) / 8
    np.testing.assert_allclose(out[0, :, 0], [0.0, 0.25, 1.25], rtol=1e-12, atol=1e-12)
    # lower (COINr): (max - x) / (max - targ) = (12 - x) / 8
    np.testing.assert_allclose(out[0, :, 1], [1.25, 1.0, 0.0], rtol=1e-12, atol=1e-12)
    capped = run({"method": "dist2targ"}, x, ctx)
    np.testing.assert_allclose(capped[0, :, 0], [0.0, 25.0, 100.0], rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(capped[0, :, 1], [100.0, 100.0, 0.0], rtol=1e-12, atol=1e-12)


def test_every_unit_at_or_beyond_the_target() -> None:
    """Every unit reached the target (the worst value is at it or beyond it): with ``cap``
    each scores the full scale, as the method says of values beyond the target. The
    ratio gave NaN for the whole indicator where the worst value is the target (COINr: Inf,
    and NaN at the target), and reversed scores where it lies beyond (COINr: negative).
    Without ``cap`` no way from the worst value to the target is left: missing."""
    x = np.array([[[45.0, 50.0], [50.0, 60.0], [60.0, 80.0]]])
    ctx = ctx_for(1, 2, target=[45.0, 45.0])
    capped = run({"method": "dist2targ", "scale": 1}, x, ctx)
    np.testing.assert_array_equal(capped[0], np.ones((3, 2)))
    assert np.isnan(run({"method": "dist2targ", "cap": False}, x, ctx)).all()
    # lower is better: a target of 8 with every value at or below it
    lower = ctx_for(1, 1, direction=[-1], target=[8.0])
    low = np.array([[[8.0], [3.0], [np.nan]]])
    capped_low = run({"method": "dist2targ", "scale": 1}, low, lower)
    np.testing.assert_array_equal(capped_low[0, :, 0], [1.0, 1.0, np.nan])


def test_dist2ref_with_the_reference_at_the_minimum() -> None:
    # ASEM's Ship with AUT (0, the minimum) as the reference: COINr's capped scores are
    # 1 above it and NaN at it; the reference itself scores the full scale by the method
    x = np.array([[[0.0], [3.0], [0.0], [7.0], [5.0]]])
    ctx = NormaliseContext(
        years=np.array([2020]),
        direction=np.array([1.0]),
        goalposts=np.full((1, 2), np.nan),
        target=np.array([np.nan]),
        indicator_ids=("i0",),
        unit_ids=("a", "b", "c", "d", "e"),
    )
    capped = run({"method": "dist2ref", "unit": "a", "scale": 1, "cap": True}, x, ctx)
    np.testing.assert_array_equal(capped[0, :, 0], [1.0] * 5)
    assert np.isnan(run({"method": "dist2ref", "unit": "a"}, x, ctx)).all()


def test_dist2targ_error_names_indicators_without_target() -> None:
    with pytest.raises(SpecError, match="i0"):
        run({"method": "dist2targ"}, np.zeros((1, 2, 2)), ctx_for(1, 2, target=[np.nan, 1]))


def test_dist2ref_by_unit_and_by_value() -> None:
    x = np.array([[[1.0], [3.0], [5.0]], [[2.0], [4.0], [10.0]]])
    ctx = NormaliseContext(
        years=np.array([2020, 2021]),
        direction=np.array([1.0]),
        goalposts=np.full((1, 2), np.nan),
        target=np.array([np.nan]),
        indicator_ids=("i0",),
        unit_ids=("a", "b", "c"),
    )
    out = run({"method": "dist2ref", "unit": "b", "scale": 1}, x, ctx)
    # per year: (x - min) / (x_b - min); 2020: (x - 1) / 2, 2021: (x - 2) / 2
    np.testing.assert_allclose(out[:, :, 0], [[0, 1, 2], [0, 1, 4]], rtol=1e-12, atol=1e-12)
    fixed = run({"method": "dist2ref", "value": 6, "fit": "pooled", "cap": True}, x, ctx)
    np.testing.assert_allclose(fixed[:, :, 0], [[0, 40, 80], [20, 60, 100]], rtol=1e-12, atol=1e-12)
    with pytest.raises(SpecError, match="'zz'"):
        run({"method": "dist2ref", "unit": "zz"}, x, ctx)
    with pytest.raises(SpecError, match="exactly one"):
        parse_step("normalise", {"method": "dist2ref"})


# ---- COINr on ASEM ------------------------------------------------------------------------


def test_coinr_normalisations_on_asem_columns() -> None:
    """n_minmax, n_zscore and n_prank of ASEM columns, one higher-is-better (LPI) and one
    lower-is-better (CostImpEx, Direction -1: COINr multiplies by -1 first)."""
    data = pd.read_csv(ASEM)
    x = data[["LPI", "CostImpEx"]].to_numpy(float)[None]
    ctx = ctx_for(1, 2, direction=[1, -1])
    mm = run({"method": "minmax"}, x, ctx)
    zs = run({"method": "zscore"}, x, ctx)
    pr = run({"method": "prank", "scale": 1}, x, ctx)
    for j, (col, sign) in enumerate([("LPI", 1), ("CostImpEx", -1)]):
        v = [sign * a for a in data[col]]
        lo, hi = min(v), max(v)
        mean = sum(v) / len(v)
        sd = (sum((a - mean) ** 2 for a in v) / (len(v) - 1)) ** 0.5
        for row in (0, 17, 33, 50):
            a = v[row]
            assert mm[0, row, j] == pytest.approx((a - lo) / (hi - lo) * 100, rel=1e-9)
            assert zs[0, row, j] == pytest.approx((a - mean) / sd, rel=1e-9)
            rank_min = 1 + sum(b < a for b in v)
            assert pr[0, row, j] == pytest.approx((rank_min - 1) / (len(v) - 1), rel=1e-9)


# ---- properties --------------------------------------------------------------------------

finite = st.floats(-1e6, 1e6, allow_nan=False)
cubes = arrays(
    np.float64, st.tuples(st.integers(1, 3), st.integers(2, 6), st.integers(1, 3)), elements=finite
)


@settings(max_examples=60, deadline=None)
@given(cubes, st.sampled_from(["pooled", "per_year"]), st.booleans())
def test_minmax_scores_within_range(x: np.ndarray, fit: str, lower_better: bool) -> None:
    n_y, _, n_i = x.shape
    ctx = ctx_for(n_y, n_i, direction=[-1.0 if lower_better else 1.0] * n_i)
    out = run({"method": "minmax", "range": [10, 20], "fit": fit}, x, ctx)
    ok = ~np.isnan(out)
    assert np.all(out[ok] >= 10 - 1e-9) and np.all(out[ok] <= 20 + 1e-9)


@settings(max_examples=60, deadline=None)
@given(cubes, st.integers(0, 5))
def test_goalposts_score_depends_only_on_own_value(x: np.ndarray, unit: int) -> None:
    n_y, n_u, n_i = x.shape
    unit = unit % n_u
    ctx = ctx_for(n_y, n_i, direction=[1, -1, 1][:n_i], goalposts=[(-100, 100)] * n_i)
    full = run({"method": "goalposts"}, x, ctx)
    alone = run({"method": "goalposts"}, x[:, unit : unit + 1], ctx)
    np.testing.assert_array_equal(full[:, unit : unit + 1], alone)
    assert np.all((full >= 0) & (full <= 100))


@settings(max_examples=40, deadline=None)
@given(cubes, st.randoms(use_true_random=False))
def test_unit_order_does_not_change_minmax(x: np.ndarray, rnd) -> None:
    n_y, n_u, n_i = x.shape
    perm = list(range(n_u))
    rnd.shuffle(perm)
    ctx = ctx_for(n_y, n_i)
    out = run({"method": "minmax"}, x, ctx)
    out_perm = run({"method": "minmax"}, x[:, perm], ctx)
    np.testing.assert_array_equal(out[:, perm], out_perm)


@settings(max_examples=40, deadline=None)
@given(cubes, st.sampled_from(["pooled", "per_year"]), st.booleans())
def test_rank_and_prank_bounds(x: np.ndarray, fit: str, lower_better: bool) -> None:
    n_y, n_u, n_i = x.shape
    ctx = ctx_for(n_y, n_i, direction=[-1.0 if lower_better else 1.0] * n_i)
    ranks = run({"method": "rank", "fit": fit}, x, ctx)
    n = n_u if fit == "per_year" else n_u * n_y
    assert np.all((ranks >= 1) & (ranks <= n))
    pr = run({"method": "prank", "fit": fit}, x, ctx)
    ok = ~np.isnan(pr)
    assert np.all((pr[ok] >= 0) & (pr[ok] <= 100))
    # the worst value of each year scores 0 (ties share the lowest rank, as in COINr)
    if fit == "per_year":
        directed = x * ctx.direction
        worst = directed == directed.min(axis=1, keepdims=True)
        assert np.all(pr[worst & ok] == 0)


# ---- COINr parity: none with direction, borda, fracmax -------------------------------------


def test_none_applies_the_direction_as_coinr() -> None:
    # D2: COINr's Normalise multiplies by Direction before f_n = "none": x * d.
    x = np.array([[[2.0, 10.0], [4.0, np.nan], [-6.0, 30.0]]])
    out = run({"method": "none"}, x, ctx_for(1, 2, direction=[1, -1]))
    np.testing.assert_array_equal(out[0, :, 0], [2.0, 4.0, -6.0])
    np.testing.assert_array_equal(out[0, :, 1], [-10.0, np.nan, -30.0])


def test_borda_is_rank_minus_one_with_ties_at_the_minimum() -> None:
    # COINr n_borda: rank(x * d, ties.method = "min") - 1, NA kept.
    # indicator 0 (higher): 5 3 5 nan 1 -> ranks 3 2 3 . 1 -> borda 2 1 2 . 0
    # indicator 1 (lower):  1 2 2 4 nan  -> x*d -1 -2 -2 -4 -> ranks 4 2 2 1 -> borda 3 1 1 0
    x = np.array([[[5.0, 1.0], [3.0, 2.0], [5.0, 2.0], [np.nan, 4.0], [1.0, np.nan]]])
    out = run({"method": "borda"}, x, ctx_for(1, 2, direction=[1, -1]))
    np.testing.assert_array_equal(out[0, :, 0], [2.0, 1.0, 2.0, np.nan, 0.0])
    np.testing.assert_array_equal(out[0, :, 1], [3.0, 1.0, 1.0, 0.0, np.nan])


def test_borda_per_year_and_pooled() -> None:
    x = np.array([[[1.0], [2.0]], [[3.0], [0.5]]])  # 2 years, 2 units
    per_year = run({"method": "borda", "fit": "per_year"}, x, ctx_for(2, 1))
    np.testing.assert_array_equal(per_year[:, :, 0], [[0.0, 1.0], [1.0, 0.0]])
    pooled = run({"method": "borda"}, x, ctx_for(2, 1))  # values 1 2 3 0.5 together
    np.testing.assert_array_equal(pooled[:, :, 0], [[1.0, 2.0], [3.0, 0.0]])


def test_fracmax_is_the_fraction_of_the_maximum() -> None:
    # COINr n_fracmax: x / max(x) (after x * d); scale 1 is COINr's, 100 the default.
    x = np.array([[[2.0, 4.0], [8.0, np.nan], [5.0, 1.0]]])
    out = run({"method": "fracmax", "scale": 1}, x, ctx_for(1, 2))
    np.testing.assert_allclose(out[0, :, 0], [0.25, 1.0, 0.625], rtol=1e-15)
    np.testing.assert_allclose(out[0, :, 1], [1.0, np.nan, 0.25], rtol=1e-15)
    hundred = run({"method": "fracmax"}, x, ctx_for(1, 2))
    np.testing.assert_allclose(hundred[0, :, 0], [25.0, 100.0, 62.5], rtol=1e-15)
    # lower is better: x * d = -2 -8 -5, max -2: COINr gives -2/-2 = 1, -8/-2 = 4 and
    # -5/-2 = 2.5, the worst unit (8) the highest score; refused, naming the indicator
    with pytest.raises(SpecError, match=r"turns the order round.*for: i0$"):
        run({"method": "fracmax", "scale": 1}, x[:, :, :1], ctx_for(1, 1, direction=[-1]))
    with pytest.raises(SpecError, match=r"for: i1$"):
        run({"method": "fracmax"}, np.array([[[2.0, -1.0], [8.0, 3.0]]]), ctx_for(1, 2))
    with pytest.raises(SpecError, match="scale"):
        parse_step("normalise", {"method": "fracmax", "scale": 0})


def test_reductions_match_numpy_over_each_fit() -> None:
    """Fitted on an indicator-major copy, the reductions equal numpy's over the cube."""
    rng = np.random.default_rng(3)
    x = rng.normal(size=(3, 50, 4))
    x[rng.random(x.shape) < 0.1] = np.nan
    ctx = ctx_for(3, 4)
    pooled = ctx.reductions(x, "pooled", np.nanmin, np.nanmax)
    np.testing.assert_array_equal(pooled[0], np.nanmin(x, axis=(0, 1), keepdims=True))
    np.testing.assert_array_equal(pooled[1], np.nanmax(x, axis=(0, 1), keepdims=True))
    (per_year,) = ctx.reductions(x, "per_year", np.nanmin)
    np.testing.assert_array_equal(per_year, np.nanmin(x, axis=1, keepdims=True))
    (reference,) = ctx.reductions(x, 2021, np.nanmean)
    np.testing.assert_allclose(reference, np.nanmean(x[1:2], axis=(0, 1), keepdims=True))
    np.testing.assert_array_equal(ctx.reduce(x, "pooled", np.nanmax), pooled[1])
