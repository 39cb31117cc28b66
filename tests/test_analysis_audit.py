"""Audit statistics on constructed matrices with known answers, and the audit of an index
checked against pandas."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as hs
from hypothesis.extra.numpy import arrays

import mint_index as mi
from mint_index.analysis import statistics as st
from mint_index.analysis.audit import audit
from mint_index.errors import SpecError
from mint_index.framework import Framework

# ---- statistics on constructed matrices ------------------------------------------------


def test_cronbach_alpha_of_identical_columns_is_one() -> None:
    column = np.array([1.0, 4.0, 2.0, 8.0, 5.0])
    assert st.cronbach_alpha(np.column_stack([column] * 4)) == pytest.approx(1.0)


def test_cronbach_alpha_by_hand() -> None:
    # Items (columns) variances 1, 7/3, 1 -> 13/3; row sums 6, 11, 12 -> variance 31/3.
    # alpha = 3/2 * (1 - 13/31) = 27/31.
    x = np.array([[1.0, 2.0, 3.0], [2.0, 4.0, 5.0], [3.0, 5.0, 4.0]])
    assert st.cronbach_alpha(x) == pytest.approx(27 / 31, abs=1e-12)


def test_cronbach_alpha_uses_pairwise_complete_covariances() -> None:
    # D4, COINr get_cronbach: cov(use = "pairwise.complete.obs"), alpha = k^2 mean(off-diag)
    # / sum. a = 1 2 3 -, b = 2 4 - 5: var a (rows 1-3) = 1, var b (rows 1, 2, 4) = 7/3,
    # cov on rows 1-2: devs (-1/2, 1/2) (-1, 1) -> 1. sum C = 16/3, trace 10/3:
    # alpha = 2^2 * (2/2) / (16/3) = 0.75 (listwise, on rows 1-2 only, it would be 8/9).
    x = np.array([[1.0, 2.0], [2.0, 4.0], [3.0, np.nan], [np.nan, 5.0]])
    assert st.cronbach_alpha(x) == pytest.approx(0.75, abs=1e-12)
    np.testing.assert_allclose(st.pairwise_cov(x), [[1.0, 1.0], [1.0, 7 / 3]], atol=1e-12)


def test_cronbach_alpha_undefined_cases() -> None:
    assert np.isnan(st.cronbach_alpha(np.ones((5, 1))))
    assert np.isnan(st.cronbach_alpha(np.ones((5, 3))))  # no variance at all


def test_first_component_share_known_structures() -> None:
    a = np.array([1.0, -1.0, 1.0, -1.0])
    b = np.array([1.0, 1.0, -1.0, -1.0])  # uncorrelated with a
    # Correlation matrix [[1,1,0],[1,1,0],[0,0,1]] has eigenvalues 2, 1, 0.
    assert st.first_pc_share(np.column_stack([a, a, b])) == pytest.approx(2 / 3)
    assert st.first_pc_share(np.column_stack([a, 3 * a + 1, -a])) == pytest.approx(1.0)
    assert st.first_pc_share(np.column_stack([a, b])) == pytest.approx(0.5)
    assert np.isnan(st.first_pc_share(np.column_stack([a, np.ones(4)])))


def test_column_stats_by_hand() -> None:
    x = np.array(
        [
            [1.0, 0.0],
            [2.0, 0.0],
            [3.0, 1.0],
            [4.0, 1.0],
            [100.0, np.nan],
        ]
    )
    got = st.column_stats(x)
    # Column 0: quartiles 2 and 4 (type 7), fences -1 and 7: 100 is the one outlier.
    assert got["outliers"].tolist() == [1, 0]
    assert got["zeros"].tolist() == [0, 2]
    assert got["distinct"].tolist() == [5, 2]
    assert got["availability"].tolist() == [1.0, 0.8]
    assert got["min"].tolist() == [1.0, 0.0] and got["max"].tolist() == [100.0, 1.0]


@settings(max_examples=40, deadline=None)
@given(
    arrays(
        np.float64,
        hs.tuples(hs.integers(5, 30), hs.integers(1, 4)),
        elements=hs.one_of(hs.floats(-100, 100), hs.just(np.nan), hs.sampled_from([0.0, 1.0])),
    )
)
def test_column_moments_match_pandas(x: np.ndarray) -> None:
    got = st.column_stats(x)
    frame = pd.DataFrame(x)
    for name, expected in (
        ("mean", frame.mean()),
        ("sd", frame.std()),
        ("skewness", frame.skew()),
        ("kurtosis", frame.kurt()),
    ):
        ok = np.isfinite(expected.to_numpy()) & (frame.std().to_numpy() > 1e-6)
        assert np.allclose(got[name][ok], expected.to_numpy()[ok], rtol=1e-7, atol=1e-7), name
    assert np.array_equal(got["n"], frame.count().to_numpy())
    assert np.array_equal(got["distinct"], frame.nunique().to_numpy())


@settings(max_examples=30, deadline=None)
@given(
    arrays(
        np.float64,
        hs.tuples(hs.integers(4, 25), hs.integers(2, 5)),
        elements=hs.one_of(hs.integers(-3, 3).map(float), hs.just(np.nan), hs.floats(-10, 10)),
    )
)
def test_correlations_match_pandas_pairwise(x: np.ndarray) -> None:
    frame = pd.DataFrame(x)
    expected_ranks = frame.rank(method="average").to_numpy()
    assert np.allclose(st.average_ranks(x), expected_ranks, equal_nan=True)
    pearson = frame.corr(method="pearson", min_periods=3).to_numpy()
    spearman = frame.corr(method="spearman", min_periods=3).to_numpy()
    # pandas reports r for constant pairs inconsistently; compare where it is finite.
    got_p, got_s = st.pearson(x), st.spearman(x, block=2)
    ok = np.isfinite(pearson) & np.isfinite(got_p)
    assert np.allclose(got_p[ok], pearson[ok], atol=1e-9)
    ok = np.isfinite(spearman) & np.isfinite(got_s)
    assert np.allclose(got_s[ok], spearman[ok], atol=1e-9)


def test_pearson_is_undefined_where_a_column_is_constant_up_to_rounding() -> None:
    # On the common rows the second column is 0, 0 and 6e-8 against a spread of 1 over its
    # whole column: the pair's variance is rounding noise, so r is NaN, not a number.
    x = np.array([[0.0, 5.960464477539063e-08], [0.0, 0.0], [np.nan, 1.0], [1.0, 0.0]])
    assert np.isnan(st.pearson(x)[0, 1])
    # a well-conditioned pair keeps its value: (1,2,3) against (2,4,7)
    y = np.array([[1.0, 2.0], [2.0, 4.0], [3.0, 7.0]])
    expected = np.corrcoef(y.T)[0, 1]
    assert st.pearson(y)[0, 1] == pytest.approx(expected, abs=1e-12)


def test_spearman_reranks_each_pair_on_its_common_rows() -> None:
    x = np.array([[1.0, 10.0], [2.0, np.nan], [3.0, 30.0], [4.0, 20.0], [5.0, 50.0]])
    # Common rows: (1,10), (3,30), (4,20), (5,50): ranks (1,2,3,4) vs (1,3,2,4), rho = 0.8.
    assert st.spearman(x)[0, 1] == pytest.approx(0.8)


# ---- the audit of an index -------------------------------------------------------------


def make_results(units: int = 60, seed: int = 0) -> mi.Results:
    """dim0: i0 and i1 carry the same data (redundant), i2 independent;
    dim1: i3 = 3z, i4 = -z + noise (i4 runs against its dimension)."""
    rng = np.random.default_rng(seed)
    text = {"de": "x", "en": "x"}
    parents = ["dim0", "dim0", "dim0", "dim1", "dim1"]
    fw = Framework.model_validate(
        {
            "framework": {"id": "t", "label": text},
            "index": {"id": "index", "label": text},
            "defaults": {"normalise": {"method": "none"}},
            "variables": [{"id": f"v{k}", "unit": "number"} for k in range(5)],
            "nodes": [{"id": d, "parent": "index", "label": text} for d in ("dim0", "dim1")],
            "indicators": [
                {
                    "id": f"i{k}",
                    "parent": parent,
                    "name": text,
                    "description": text,
                    "unit": "x",
                    "direction": "higher",
                    "kind": "rate",
                    "compute": {"type": "direct", "variable": f"v{k}"},
                    "source": {"publisher": "test"},
                }
                for k, parent in enumerate(parents)
            ],
        }
    )
    values = np.empty((2, units, 5))
    base = rng.normal(size=(2, units))
    z = rng.normal(size=(2, units))
    values[..., 0] = base
    values[..., 1] = base
    values[..., 2] = rng.normal(size=(2, units))
    values[..., 3] = 3 * z
    values[..., 4] = -z + 0.1 * rng.normal(size=(2, units))
    values[0, :5, 2] = np.nan
    values[1, 3, 2] = 0.0
    data = mi.Dataset(
        values, [2022, 2023], [f"u{i:02d}" for i in range(units)], [f"v{k}" for k in range(5)]
    )
    return mi.score(data, fw)


@pytest.fixture(scope="module")
def res() -> mi.Results:
    return make_results()


def test_audit_flags_redundancy_and_negative_correlation(res: mi.Results) -> None:
    a = audit(res)
    assert a.year == 2023
    flags = a.flags.set_index(["flag", "node"])
    assert flags.loc[("redundant", "i0"), "other"] == "i1"
    assert flags.loc[("redundant", "i0"), "r"] == pytest.approx(1.0)
    assert flags.loc[("negative_with_parent", "i4"), "parent"] == "dim1"
    scores = res.scores.xs(2023, level="year")
    assert flags.loc[("negative_with_parent", "i4"), "r"] == pytest.approx(
        scores["i4"].corr(scores["dim1"])
    )
    assert ("negative_with_parent", "i3") not in flags.index


def test_audit_consistency_matches_the_formulas(res: mi.Results) -> None:
    a = audit(res, year=2022)
    scores = res.scores.xs(2022, level="year")
    fw = res.framework
    consistency = a.consistency.set_index("node")
    for node in fw.aggregate_ids:
        kids = scores[fw.children[node]]
        block = kids.dropna()
        k = block.shape[1]
        cov = kids.cov().to_numpy()  # pandas: pairwise complete, as COINr's get_cronbach
        alpha = k / (k - 1) * (1 - np.trace(cov) / cov.sum())
        share = np.linalg.eigvalsh(block.corr().to_numpy()).max() / k
        assert consistency.loc[node, "cronbach_alpha"] == pytest.approx(alpha, abs=1e-9)
        assert consistency.loc[node, "first_pc_share"] == pytest.approx(share)
        assert consistency.loc[node, "complete_units"] == len(block)


def test_audit_correlations_and_indicator_stats_match_pandas(res: mi.Results) -> None:
    a = audit(res, year=2022)
    scores = res.scores.xs(2022, level="year")
    pd.testing.assert_frame_equal(
        a.pearson, scores.corr(), check_names=False, check_exact=False, atol=1e-12
    )
    pd.testing.assert_frame_equal(
        a.spearman, scores.corr(method="spearman"), check_names=False, check_exact=False, atol=1e-12
    )
    ic = a.index_correlation.set_index("indicator")
    assert ic.loc["i2", "r_index"] == pytest.approx(scores["i2"].corr(scores["index"]))
    assert ic.loc["i2", "r_parent"] == pytest.approx(scores["i2"].corr(scores["dim0"]))
    raw = res.stage("denominated").xs(2022, level="year")
    stats = a.indicator_stats.set_index("indicator")
    assert stats.loc["i2", "availability"] == pytest.approx(raw["i2"].notna().mean())
    assert stats.loc["i2", "skewness"] == pytest.approx(raw["i2"].skew())
    assert stats.loc["i2", "kurtosis"] == pytest.approx(raw["i2"].kurt())
    assert stats.loc["i4", "max"] == pytest.approx(raw["i4"].max())
    assert audit(res).indicator_stats.set_index("indicator").loc["i2", "zeros"] == 1


def test_audit_to_dict_is_json_and_years_are_checked(res: mi.Results) -> None:
    payload = json.loads(json.dumps(audit(res).to_dict()))
    assert payload["pearson"]["nodes"] == res.framework.node_ids
    assert {row["flag"] for row in payload["flags"]} == {"redundant", "negative_with_parent"}
    with pytest.raises(SpecError, match="year"):
        audit(res, year=1999)
