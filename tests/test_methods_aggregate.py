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
    assert out[0, 0] == pytest.approx((10 + 20 + 80) / 4, rel=1e-12, abs=1e-12)
    assert out[0, 1] == pytest.approx((10 + 80) / 3, rel=1e-12, abs=1e-12)
    assert np.isnan(out[0, 2])


def test_geometric_known_answer() -> None:
    x = cube([[4, 16, nan], [1, 100, 10]])
    out = run({"method": "geometric"}, x, [1, 3, 1])
    assert out[0, 0] == pytest.approx((4 * 16**3) ** (1 / 4), rel=1e-12, abs=1e-12)
    assert out[0, 1] == pytest.approx((1 * 100**3 * 10) ** (1 / 5), rel=1e-12, abs=1e-12)


def test_harmonic_known_answer() -> None:
    x = cube([[2, 4, nan]])
    out = run({"method": "harmonic"}, x, [1, 1, 5])
    assert out[0, 0] == pytest.approx(2 / (1 / 2 + 1 / 4), rel=1e-12, abs=1e-12)


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
    np.testing.assert_allclose(
        run({"method": "geometric"}, x, [1, 0, 1]), [[8.0]], rtol=1e-12, atol=1e-12
    )
    np.testing.assert_allclose(
        run({"method": "arithmetic"}, x, [1, 0, 1]), [[8.0]], rtol=1e-12, atol=1e-12
    )


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


# ---- COINr parity: dat_thresh, copeland ----------------------------------------------------


def test_enough_children_is_coinrs_dat_thresh() -> None:
    # D6: NA where sum(!is.na(x)) / length(x) < dat_thresh: unweighted, exact boundary.
    from mint_index.rules.coverage import enough_children

    x = cube([[1, nan, 3, nan], [1, nan, nan, nan], [nan, nan, nan, nan], [1, 2, 3, nan]])
    weights = np.array([10.0, 1.0, 1.0, 1.0])  # unequal weights do not matter
    half = 0.5
    # present 2/4, 1/4, 0/4, 3/4: 2/4 < 0.5 is false -> kept; 1/4 and 0 dropped
    np.testing.assert_array_equal(enough_children(x, weights, half)[0], [True, False, False, True])
    third = 1 / 3
    three = cube([[1, nan, nan], [1, 2, nan]])
    # 1/3 < 1/3 is false: exactly a third present keeps the score, as in R
    np.testing.assert_array_equal(enough_children(three, np.ones(3), third)[0], [True, True])
    assert enough_children(x, weights, 0.0).all()  # dat_thresh 0: every unit, NA or not
    # a child with weight 0 is not counted: 1 of the 2 weighted children present = 1/2
    w0 = np.array([1.0, 1.0, 0.0, 0.0])
    assert enough_children(cube([[1, nan, 3, 4]]), w0, half)[0, 0]


def test_engine_applies_the_child_count_rule_under_unequal_weights() -> None:
    # 4 indicators under one parent, weights 3 1 1 1, min_share 0.5: a unit with the two
    # light children present (2 of 4, a sixth of the weight) keeps its score, as in COINr.
    import mint_index as mi
    from mint_index.framework import Framework

    text = {"de": "x", "en": "x"}
    fw = Framework.model_validate(
        {
            "framework": {"id": "t", "label": text},
            "index": {"id": "index", "label": text},
            "defaults": {"normalise": {"method": "none"}},
            "variables": [{"id": f"v{k}", "unit": "number"} for k in range(4)],
            "nodes": [{"id": "dim", "parent": "index", "label": text}],
            "indicators": [
                {
                    "id": f"i{k}",
                    "parent": "dim",
                    "name": text,
                    "description": text,
                    "unit": "x",
                    "direction": "higher",
                    "kind": "rate",
                    "compute": {"type": "direct", "variable": f"v{k}"},
                    "source": {"publisher": "test"},
                    "weight": 3.0 if k == 0 else 1.0,
                }
                for k in range(4)
            ],
        }
    )
    values = np.array([[[nan, nan, 2.0, 4.0], [8.0, nan, nan, nan], [8.0, 1.0, nan, nan]]])
    data = mi.Dataset(values, [2020], ["a", "b", "c"], [f"v{k}" for k in range(4)])
    res = mi.score(data, fw, aggregate={"method": "arithmetic", "min_share": 0.5})
    dim = res.scores["dim"].to_numpy()
    assert dim[0] == pytest.approx(3.0, abs=1e-12)  # (2 + 4) / 2 with half of the children
    assert np.isnan(dim[1])  # 1 of 4, although it carries half the weight
    assert dim[2] == pytest.approx((3 * 8 + 1) / 4, abs=1e-12)


def test_copeland_by_hand() -> None:
    # COINr a_copeland: w / sum(w); o_ij = sum w[x_i > x_j] + sum w[x_i == x_j] / 2;
    # o > 0.5 -> 1, < 0.5 -> -1, = 0.5 -> 0; score = row sum.
    # units A B C, children weights 1 1 2 (-> 1/4 1/4 1/2):
    # A = 3 1 2, B = 1 2 2, C = 2 3 1
    # o_AB = 1/4 (3>1) + 1/4 * 0 + 1/2 / 2 (2=2) = 1/2 -> 0
    # o_AC = 1/4 (3>2) + 0 + 1/2 (2>1) = 3/4 -> +1; o_BC = 0 + 0 + 1/2 = 1/2 -> 0
    # A: 0 + 1 = 1; B: 0 + 0 = 0; C: -1 + 0 = -1
    x = cube([[3, 1, 2], [1, 2, 2], [2, 3, 1]])
    out = run({"method": "copeland"}, x, [1, 1, 2])
    np.testing.assert_array_equal(out[0], [1.0, 0.0, -1.0])
    # equal weights: o_AB = 1/3 (3 > 1) + 1/3 / 2 (2 = 2) = 1/2 -> 0; o_AC = 2/3 -> +1;
    # o_BC = 1/3 (only 2 > 1) -> -1. A: 0 + 1 = 1, B: 0 - 1 = -1, C: -1 + 1 = 0
    eq = run({"method": "copeland"}, x, [1, 1, 1])
    np.testing.assert_array_equal(eq[0], [1.0, -1.0, 0.0])


def test_copeland_with_missing_values_follows_coinrs_unit_order() -> None:
    # Missing comparisons count nothing; o_ji = 1 - o_ij for i before j (unit order).
    # A = 1 nan, B = 2 5, C = 3 4 (equal weights 1/2):
    # o_AB = 0 -> -1 (B: +1); o_AC = 0 -> -1 (C: +1); o_BC = 0 + 1/2 = 1/2 -> 0
    # A: -2, B: 1, C: 1. A unit with nothing present gets NaN and is left out.
    x = cube([[1, nan], [2, 5], [3, 4], [nan, nan]])
    out = run({"method": "copeland"}, x, [1, 1])
    np.testing.assert_array_equal(out[0], [-2.0, 1.0, 1.0, nan])
    # The order matters with gaps: B = 2 5 first, then A = 1 nan, C = 3 4:
    # o_BA = 1/2 (2 > 1) -> 0; o_BC = 1/2 -> 0; o_AC = 0 -> -1 (C: +1).
    # B: 0, A: -1 (not -2 as above), C: +1
    swapped = cube([[2, 5], [1, nan], [3, 4]])
    np.testing.assert_array_equal(run({"method": "copeland"}, swapped, [1, 1])[0], [0.0, -1.0, 1.0])


@pytest.mark.parametrize(
    ("rows", "weights"),
    [
        # identical units, six equal weights: six sixths of a half summed to 0.49999999999999994
        ([[1, 2, 3, 4, 5, 6], [1, 2, 3, 4, 5, 6]], [1] * 6),
        # ahead on 0.1 and 0.2, behind on 0.3: o = 0.3 / 0.6 = 1/2 exactly
        ([[2, 2, 1], [1, 1, 2]], [0.1, 0.2, 0.3]),
        # ASEM's KOR and NOR at Physical: ahead on 2.25 + 3 + 1.75, tied on 0.75, of 14.75
        ([[2, 2, 2, 1, 1, 1, 1], [1, 1, 1, 1, 2, 2, 2]], [2.25, 3, 1.75, 0.75, 2, 3, 2]),
    ],
)
def test_copeland_exact_draws_are_draws(rows: list[list[float]], weights: list[float]) -> None:
    """Two units whose o_ij is exactly 1/2 by the definition draw (0 each). Compared in
    floating point after scaling the weights to sum 1, the draw was decided by rounding:
    identical units scored -1 and 0 (COINr, by R's long-double sums, 0 and 0)."""
    np.testing.assert_array_equal(run({"method": "copeland"}, cube(rows), weights)[0], [0, 0])


@settings(max_examples=80, deadline=None)
@given(
    arrays(np.float64, st.tuples(st.integers(2, 6), st.integers(1, 7)), elements=st.integers(0, 3)),
    st.lists(st.sampled_from([0.1, 0.2, 0.25, 0.3, 1 / 3, 0.5, 1.0, 1.75, 2.25]), min_size=7),
    st.integers(0, 5),
)
def test_a_unit_and_its_copy_score_alike(x: np.ndarray, weights: list[float], copy: int) -> None:
    """By the definition a unit draws with its copy and outranks, or is outranked by, the
    same units: both score the same; without gaps the scores sum to 0."""
    copy = copy % len(x)
    doubled = np.vstack([x, x[copy : copy + 1]])[None]
    out = run({"method": "copeland"}, doubled, weights[: x.shape[1]])[0]
    assert out[copy] == out[-1]
    assert out.sum() == 0


def test_copeland_blocks_give_the_same_result(monkeypatch: pytest.MonkeyPatch) -> None:
    from mint_index.methods import aggregate

    rng = np.random.default_rng(3)
    x = rng.integers(0, 4, size=(2, 9, 4)).astype(float)
    x[0, 2, 1] = nan
    whole = run({"method": "copeland"}, x, [1, 2, 1, 1])
    monkeypatch.setattr(aggregate, "_COPELAND_CELLS", 2 * 9 * 4 * 2)  # blocks of 2 units
    np.testing.assert_array_equal(run({"method": "copeland"}, x, [1, 2, 1, 1]), whole)


def test_arithmetic_child_of_weight_zero_adds_nothing_whatever_its_value() -> None:
    # (2 + 4) / 2 = 3 and 3 / 1 = 3: the first child has weight 0, even when infinite
    x = cube([[np.inf, 2, 4], [1, nan, 3]])
    np.testing.assert_array_equal(run({"method": "arithmetic"}, x, [0, 1, 1])[0], [3.0, 3.0])
