"""Variance-based sensitivity: the estimator on analytic test functions, and on an index."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import pytest

import mint_index as mi
from mint_index.analysis.sensitivity import mean_abs_rank_shift, sensitivity
from mint_index.analysis.sobol import estimate_sobol, saltelli_design, sobol_indices
from mint_index.errors import SpecError
from mint_index.framework import Framework

# ---- the estimator ---------------------------------------------------------------------


def ishigami(u: np.ndarray, a: float = 7.0, b: float = 0.1) -> np.ndarray:
    x = -np.pi + 2 * np.pi * u
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


def ishigami_indices(a: float = 7.0, b: float = 0.1) -> tuple[np.ndarray, np.ndarray]:
    """Analytic first- and total-order indices (Ishigami & Homma 1990; Sobol' & Levitan 1999)."""
    v1 = 0.5 * (1 + b * np.pi**4 / 5) ** 2
    v2 = a**2 / 8
    v13 = b**2 * np.pi**8 * (1 / 18 - 1 / 50)
    v = v1 + v2 + v13
    return np.array([v1, v2, 0.0]) / v, np.array([v1 + v13, v2, v13]) / v


def test_ishigami_analytic_values_are_the_textbook_ones() -> None:
    s1, st = ishigami_indices()
    assert np.allclose(s1, [0.3139, 0.4424, 0.0], atol=5e-5)
    assert np.allclose(st, [0.5576, 0.4424, 0.2437], atol=5e-5)


def test_ishigami_through_the_estimator() -> None:
    s1, st = ishigami_indices()
    got = estimate_sobol(ishigami, d=3, n=2**13, seed=1, nboot=200, conf=0.95)
    assert list(got["factor"]) == ["x1", "x2", "x3"]
    # Monte Carlo error of these estimators at N = 8192 is about 0.01-0.02.
    assert np.allclose(got["S1"], s1, atol=0.05)
    assert np.allclose(got["ST"], st, atol=0.05)
    # The 95 % bootstrap intervals are narrow and (up to a little slack) cover the truth.
    for name, truth in (("S1", s1), ("ST", st)):
        low, high = got[f"{name}_low"].to_numpy(), got[f"{name}_high"].to_numpy()
        assert (low <= got[name]).all() and (got[name] <= high).all()
        assert (high - low < 0.15).all()
        assert ((low - 0.02 <= truth) & (truth <= high + 0.02)).all()


def test_additive_model_indices_are_its_variance_shares() -> None:
    """y = x1 + 2 x2 on uniform inputs: V = 1/12 + 4/12, so S = ST = (0.2, 0.8, 0)."""

    def model(u: np.ndarray) -> np.ndarray:
        return u[:, 0] + 2 * u[:, 1]

    got = estimate_sobol(model, d=3, n=4096, seed=2, nboot=50)
    assert np.allclose(got["S1"], [0.2, 0.8, 0.0], atol=0.04)
    assert np.allclose(got["ST"], [0.2, 0.8, 0.0], atol=0.04)
    # x3 does not enter the model: y(AB_3) equals y(A) exactly, so both indices are 0.
    assert got.loc[2, "S1"] == 0.0 and got.loc[2, "ST"] == 0.0


def test_indices_by_hand_on_a_tiny_design() -> None:
    y_a = np.array([1.0, 2.0, 4.0])
    y_b = np.array([3.0, 0.0, 1.0])
    y_ab = np.array([[2.0, 1.0, 4.0]])
    v = np.var([1, 2, 4, 3, 0, 1], ddof=1)
    s1 = np.mean([3 * (2 - 1), 0 * (1 - 2), 1 * (4 - 4)]) / v
    st = np.mean([(1 - 2) ** 2, (2 - 1) ** 2, 0.0]) / (2 * v)
    got = sobol_indices(y_a, y_b, y_ab, factors=["f"], nboot=0)
    assert got.loc[0, "S1"] == pytest.approx(s1) and got.loc[0, "ST"] == pytest.approx(st)
    assert got[["S1_low", "ST_high"]].isna().all().all()


def test_design_swaps_whole_factor_groups() -> None:
    design = saltelli_design(5, [1, 3, 2], np.random.default_rng(0))
    ab = design.ab(1)
    assert np.array_equal(ab[:, [1, 2, 3]], design.b[:, [1, 2, 3]])
    assert np.array_equal(ab[:, [0, 4, 5]], design.a[:, [0, 4, 5]])
    assert design.stacked().shape == (5 * 5, 6)


def test_estimator_rejects_bad_shapes() -> None:
    with pytest.raises(SpecError, match="shape"):
        sobol_indices(np.ones(4), np.ones(4), np.ones((2, 3)))


# ---- on an index -----------------------------------------------------------------------


def make_results(units: int = 40, seed: int = 0) -> mi.Results:
    rng = np.random.default_rng(seed)
    text = {"de": "x", "en": "x"}
    nodes = [{"id": f"dim{d}", "parent": "index", "label": text} for d in range(3)]
    indicators = [
        {
            "id": f"i{k}",
            "parent": f"dim{k % 3}",
            "name": text,
            "description": text,
            "unit": "x",
            "direction": "higher",
            "kind": "rate",
            "compute": {"type": "direct", "variable": f"v{k}"},
            "source": {"publisher": "test"},
        }
        for k in range(7)
    ]
    fw = Framework.model_validate(
        {
            "framework": {"id": "t", "label": text},
            "index": {"id": "index", "label": text},
            "defaults": {"normalise": {"method": "minmax"}},
            "variables": [{"id": f"v{k}", "unit": "number"} for k in range(7)],
            "nodes": nodes,
            "indicators": indicators,
        }
    )
    values = rng.normal(size=(1, units, 1)) + rng.normal(size=(1, units, 7))
    data = mi.Dataset(
        values, [2023], [f"u{i:02d}" for i in range(units)], [f"v{k}" for k in range(7)]
    )
    return mi.score(data, fw)


@pytest.fixture(scope="module")
def res() -> mi.Results:
    return make_results()


VARY = {
    "weights": 0.5,
    "normalise": ["minmax", "zscore", "rank"],
    "aggregate": [None],  # one alternative: the nominal, so it cannot matter
}


def test_sensitivity_of_an_index(res: mi.Results) -> None:
    sa = sensitivity(res, vary=VARY, n=64, seed=3, nboot=100)
    assert list(sa.indices["factor"]) == ["weights", "normalise", "aggregate"]
    assert len(sa.outputs) == 64 * 5
    assert list(sa.outputs["design"].unique()) == [
        "A",
        "B",
        "AB:weights",
        "AB:normalise",
        "AB:aggregate",
    ]
    no_effect = sa.indices.set_index("factor").loc["aggregate"]
    assert no_effect["S1"] == 0.0 and no_effect["ST"] == 0.0
    assert sa.indices.set_index("factor").loc["normalise", "ST"] > 0.05
    assert sa.variance > 0
    json.dumps(sa.to_dict())
    assert set(sa.rank_stats["node"]) == {"index"}


def test_output_is_the_mean_absolute_rank_shift_of_each_run(res: mi.Results) -> None:
    sa = sensitivity(res, vary={"normalise": ["zscore", "rank"], "weights": 0.3}, n=4, nboot=0)
    nominal = res.ranks.query("node == 'index'").set_index("unit")["rank"]
    for run in (0, 5):  # one from A, one from B
        choice = sa.replications.loc[run]
        weights = {
            c.removeprefix("weight:"): float(v)
            for c, v in choice.items()
            if c.startswith("weight:")
        }
        rebuilt = res.rescore(normalise=choice["normalise"], weights=weights)
        ranks = rebuilt.ranks.query("node == 'index'").set_index("unit")["rank"]
        expected = (ranks - nominal.reindex(ranks.index)).abs().mean()
        assert sa.outputs.loc[run, "mean_abs_rank_shift"] == pytest.approx(expected)


def test_mean_abs_rank_shift_skips_unranked_units() -> None:
    ranks = np.array([[1, 2, 0], [3, 0, 1]], dtype=np.uint16)
    nominal = np.array([2, 1, 3], dtype=np.uint16)
    assert mean_abs_rank_shift(ranks, nominal).tolist() == [1.0, 1.5]


def test_same_seed_and_executor_give_the_same_indices(res: mi.Results) -> None:
    a = sensitivity(res, vary=VARY, n=16, seed=8, nboot=50, chunk_size=9)
    with ThreadPoolExecutor(max_workers=2) as executor:
        b = sensitivity(res, vary=VARY, n=16, seed=8, nboot=50, chunk_size=9, executor=executor)
    pd.testing.assert_frame_equal(a.indices, b.indices)
    pd.testing.assert_frame_equal(a.outputs, b.outputs)


def test_nothing_varied_is_an_error(res: mi.Results) -> None:
    with pytest.raises(SpecError, match="nothing is varied"):
        sensitivity(res, vary={"weights": 0.0})
    with pytest.raises(SpecError, match="n:"):
        sensitivity(res, vary=VARY, n=1)


@pytest.mark.parametrize(
    ("argument", "said"),
    [
        ({"chunk_size": 0}, "chunk_size must be a positive integer"),
        ({"seed": "a"}, "seed must be a whole number"),
        ({"seed": -1}, "seed must be a whole number"),
        ({"executor": "x"}, "executor must be a concurrent.futures.Executor"),
    ],
)
def test_bad_run_arguments_are_spec_errors(res: mi.Results, argument: dict, said: str) -> None:
    """They ended in numpy's or the executor's own errors (``range()``'s ValueError, an
    AttributeError), as uncertainty's did, before any work was checked."""
    with pytest.raises(SpecError, match=said):
        sensitivity(res, vary=VARY, n=4, **argument)
    with pytest.raises(SpecError, match=said):
        mi.uncertainty(res, n=4, **argument)


def test_an_output_that_never_varies_has_no_index_and_no_numpy_warning() -> None:
    """Two units whose ranks never change: every index is NaN, as documented, and numpy's
    "All-NaN slice encountered" no longer reaches the user."""
    import warnings

    same = np.full(50, 3.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        table = sobol_indices(same, same, np.stack([same, same]), ["a", "b"], nboot=20)
    assert table[["S1", "S1_low", "S1_high", "ST", "ST_low", "ST_high"]].isna().all().all()
