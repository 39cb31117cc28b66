"""Aggregation methods: known answers, missing children, positivity errors, properties."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from mint_index.errors import SpecError
from mint_index.methods import parse_step

ASEM = Path(__file__).parent / "fixtures" / "coinr" / "asem_idata.csv"
nan = np.nan


def run(spec: dict, x: np.ndarray, weights: list[float] | np.ndarray) -> np.ndarray:
    method, params = parse_step("aggregate", spec)
    before = x.copy()
    out = method.func(x, np.asarray(weights, dtype=float), params)
    np.testing.assert_array_equal(x, before)
    assert out.shape == x.shape[:2]
    return out


def cube(rows: list[list[float]]) -> np.ndarray:
    """One year, one row per unit, one column per child."""
    return np.array(rows, dtype=float)[None]


def test_arithmetic_known_answer_and_missing_child_renormalises() -> None:
    x = cube([[10, 20, 40], [10, nan, 40], [nan, nan, nan]])
    out = run({"method": "arithmetic"}, x, [1, 1, 2])
    assert out[0, 0] == pytest.approx((10 + 20 + 80) / 4)
    assert out[0, 1] == pytest.approx((10 + 80) / 3)
    assert np.isnan(out[0, 2])


def test_geometric_known_answer() -> None:
    x = cube([[4, 16, nan], [1, 100, 10]])
    out = run({"method": "geometric"}, x, [1, 3, 1])
    assert out[0, 0] == pytest.approx((4 * 16**3) ** (1 / 4))
    assert out[0, 1] == pytest.approx((1 * 100**3 * 10) ** (1 / 5))


def test_harmonic_known_answer() -> None:
    x = cube([[2, 4, nan]])
    out = run({"method": "harmonic"}, x, [1, 1, 5])
    assert out[0, 0] == pytest.approx(2 / (1 / 2 + 1 / 4))


def test_generalised_known_answers_and_special_cases() -> None:
    x = cube([[3, 4, nan], [1, 9, 4]])
    w = [1, 1, 2]
    quad = run({"method": "generalised", "p": 2}, x, w)
    assert quad[0, 0] == pytest.approx(math.sqrt((9 + 16) / 2))
    cube_mean = run({"method": "generalised", "p": 3}, x, w)
    assert cube_mean[0, 1] == pytest.approx(((1 + 729 + 2 * 64) / 4) ** (1 / 3))
    np.testing.assert_allclose(
        run({"method": "generalised", "p": 1}, x, w), run({"method": "arithmetic"}, x, w)
    )
    np.testing.assert_allclose(
        run({"method": "generalised", "p": -1}, x, w), run({"method": "harmonic"}, x, w)
    )
    with pytest.raises(SpecError, match="geometric"):
        parse_step("aggregate", {"method": "generalised", "p": 0})


@pytest.mark.parametrize(
    ("spec", "value"),
    [
        ({"method": "geometric"}, 0.0),
        ({"method": "geometric"}, -1.0),
        ({"method": "harmonic"}, 0.0),
        ({"method": "generalised", "p": -2}, 0.0),
        ({"method": "generalised", "p": 0.5}, -3.0),
    ],
)
def test_non_positive_children_are_an_error_not_a_silent_nan(spec: dict, value: float) -> None:
    with pytest.raises(SpecError, match="range"):
        run(spec, cube([[value, 5.0]]), [1, 1])


def test_zero_weight_children_and_missing_values_do_not_break_means() -> None:
    x = cube([[nan, 50.0, 8.0]])
    np.testing.assert_allclose(run({"method": "geometric"}, x, [1, 0, 1]), [[8.0]])
    np.testing.assert_allclose(run({"method": "arithmetic"}, x, [1, 0, 1]), [[8.0]])


def test_min_share_is_a_parameter_for_the_engine() -> None:
    _, params = parse_step("aggregate", {"method": "geometric", "min_share": 0.75})
    assert params.min_share == 0.75
    _, default = parse_step("aggregate", {"method": "arithmetic"})
    assert default.min_share == 0.5


def test_coinr_a_amean_on_asem_normalised_pillar() -> None:
    """COINr: a pillar score is a_amean of its min-max normalised indicators (equal
    weights, missing indicators skipped). Political = Embs, IGOs, UNVote."""
    data = pd.read_csv(ASEM)
    cols = ["Embs", "IGOs", "UNVote"]
    raw = data[cols].to_numpy(float)
    normalised = (raw - raw.min(axis=0)) / (raw.max(axis=0) - raw.min(axis=0)) * 100
    out = run({"method": "arithmetic"}, normalised[None], [1, 1, 1])
    for row in (0, 10, 50):
        expected = sum(normalised[row]) / 3
        assert out[0, row] == pytest.approx(expected, rel=1e-9)
    geo = run({"method": "geometric"}, normalised[None] + 1, [1, 1, 1])
    row = 7
    assert geo[0, row] == pytest.approx(math.prod(normalised[row] + 1) ** (1 / 3), rel=1e-9)


# ---- properties --------------------------------------------------------------------------

positive = st.floats(1.0, 100.0, allow_nan=False)
cells = arrays(
    np.float64,
    st.tuples(st.integers(1, 2), st.integers(1, 4), st.integers(1, 5)),
    elements=st.one_of(positive, st.just(nan)),
)
methods = st.sampled_from(
    [
        {"method": "arithmetic"},
        {"method": "geometric"},
        {"method": "harmonic"},
        {"method": "generalised", "p": 2},
        {"method": "generalised", "p": -0.5},
    ]
)


@settings(max_examples=60, deadline=None)
@given(cells, methods, st.floats(0.01, 1000), st.data())
def test_scaling_all_sibling_weights_changes_nothing(x, spec, factor, data) -> None:
    w = np.array(data.draw(st.lists(st.floats(0.1, 10), min_size=x.shape[2], max_size=x.shape[2])))
    np.testing.assert_allclose(run(spec, x, w), run(spec, x, w * factor), rtol=1e-9)


@settings(max_examples=60, deadline=None)
@given(cells, methods, st.data())
def test_improving_a_child_never_lowers_the_parent(x, spec, data) -> None:
    y, u, c = (data.draw(st.integers(0, n - 1)) for n in x.shape)
    assume(not np.isnan(x[y, u, c]))
    better = x.copy()
    better[y, u, c] += data.draw(st.floats(0.0, 50.0))
    w = np.ones(x.shape[2])
    assert run(spec, better, w)[y, u] >= run(spec, x, w)[y, u] - 1e-9


@settings(max_examples=60, deadline=None)
@given(cells, methods)
def test_mean_lies_between_smallest_and_largest_child(x, spec) -> None:
    out = run(spec, x, np.ones(x.shape[2]))
    has = ~np.isnan(x).all(axis=2)
    assert np.all(np.isnan(out) == ~has)
    with np.errstate(all="ignore"):
        lo = np.nanmin(np.where(has[..., None], x, 0), axis=2)
        hi = np.nanmax(np.where(has[..., None], x, 0), axis=2)
    assert np.all(out[has] >= lo[has] - 1e-9) and np.all(out[has] <= hi[has] + 1e-9)
