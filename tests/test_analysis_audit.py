"""Audit statistics on constructed matrices with known answers, and the audit of an index
checked against pandas."""

from __future__ import annotations

import json
from pathlib import Path

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


def test_cronbach_alpha_without_a_pair_of_columns_with_values_in_common_is_nan() -> None:
    """No unit has both values: no covariance between the columns, so no alpha (it was
    0.00, which a report judged "weak")."""
    x = np.array([[1.0, np.nan], [2.0, np.nan], [np.nan, 3.0], [np.nan, 5.0]])
    assert np.isnan(st.cronbach_alpha(x))


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


def test_outliers_use_type_7_quartiles_of_the_values_present() -> None:
    """Fences from quartiles worked out by hand (type 7: position (n - 1) p in the sorted
    values present); a value on a fence is no outlier, one just beyond it is."""
    nan = np.nan
    x = np.array(
        [
            # n = 5 (a NaN): Q1, Q3 = 2nd and 4th value = 2, 4; IQR 2; fences -1 and 7
            [0.0, 0.0, 0.0, 0.0, -10.0, -10.5],
            [nan, nan, 4.0, 4.0, 4.0, 4.0],
            [2.0, 2.0, 8.0, 8.0, 8.0, 8.0],
            [3.0, 3.0, 12.0, 12.0, 12.0, 12.0],
            [4.0, 4.0, 16.0, 16.0, 16.0, 16.0],
            [7.0, 7.5, 30.0, 30.5, 30.0, 30.0],
        ]
    )
    # n = 6: Q1 at 1.25 = 4 + 0.25 (8 - 4) = 5, Q3 at 3.75 = 12 + 0.75 (16 - 12) = 15;
    # IQR 10; fences -10 and 30 (the lowest value does not move Q1)
    assert st.column_stats(x)["outliers"].tolist() == [0, 1, 0, 1, 0, 1]


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


# ---- COINr parity: get_stats, get_corr_flags, get_pvals, get_PCA ----------------------------

COINR = Path(__file__).parent / "fixtures" / "coinr"


@pytest.fixture(scope="module")
def asem_results() -> mi.Results:
    fw, data = mi.read_coinr(COINR / "asem_idata.csv", COINR / "asem_imeta.csv")
    return mi.score(data, fw)


def test_indicator_stats_are_coinrs_get_stats_on_indicators_only(asem_results) -> None:
    # D5: one row per indicator (no denominators or groups), COINr get_stats' statistics and
    # flags from its definition, computed here with pandas on the raw iData columns.
    idata = pd.read_csv(COINR / "asem_idata.csv")
    meta = pd.read_csv(COINR / "asem_imeta.csv")
    codes = meta.loc[meta["Type"] == "Indicator", "iCode"].tolist()
    stats = audit(asem_results).indicator_stats.set_index("indicator")
    assert stats.index.tolist() == codes
    assert not {"GDP", "Population", "Area", "Energy"} & set(stats.index)
    n = len(idata)
    for code in codes:
        col = idata[code]
        present = col.dropna()
        row = stats.loc[code]
        n_avail, nzero, nunq = len(present), int((present != 0).sum()), present.nunique()
        sk, kt = present.skew(), present.kurt()  # e1071 type 2 = pandas
        assert row["n"] == n_avail and row["availability"] == pytest.approx(n_avail / n)
        for name, value in (
            ("min", present.min()),
            ("max", present.max()),
            ("mean", present.mean()),
            ("median", present.median()),
            ("sd", present.std()),
            ("skewness", sk),
            ("kurtosis", kt),
            ("frc_nonzero", nzero / n_avail),
            ("frc_unique", nunq / n_avail),
            ("frc_same", present.value_counts().max() / n_avail),
        ):
            assert row[name] == pytest.approx(value, rel=1e-9, abs=1e-12), (code, name)
        assert row["n_nonzero"] == nzero and row["distinct"] == nunq
        assert row["flag_availability"] == (n_avail / n < 0.65)
        assert row["flag_zeros"] == (nzero / n < 0.5)
        assert row["flag_distinct"] == (nunq / n < 0.5)
        assert row["flag_skew_kurtosis"] == ((abs(sk) > 2) & (kt > 3.5))
    assert stats["flag_skew_kurtosis"].any()  # ASEM has skewed indicators (Flights, ...)


def test_column_stats_median_nonzero_and_longest_run() -> None:
    # 4 units: 2 non-zero, the longest run of one value is 2, median (0 + 3) / 2
    x = np.array([[0.0], [0.0], [3.0], [3.0]])
    got = st.column_stats(x)
    assert got["n_nonzero"].tolist() == [2] and got["n_same"].tolist() == [2]
    assert got["median"].tolist() == [1.5]


def test_redundancy_is_the_signed_correlation(res: mi.Results) -> None:
    # D3: get_corr_flags keeps r > cor_thresh: i3 and i4 (r about -1) are not redundant,
    # i0 and i1 (r = 1) are.
    a = audit(res)
    assert a.pearson.at["i3", "i4"] < -0.9
    pairs = {(f.node, f.other) for f in a.flags.itertuples() if f.flag == "redundant"}
    assert ("i0", "i1") in pairs and ("i3", "i4") not in pairs


def test_pearson_pvalues_from_the_t_distribution() -> None:
    # cor.test: t = r sqrt(n - 2) / sqrt(1 - r^2), two-sided. With n = 3 (1 df) the t
    # distribution is Cauchy: p = 1 - 2 / pi * atan(|t|); with n = 4 (2 df):
    # p = 1 - |t| / sqrt(2 + t^2).
    three = np.array([[1.0, 2.0], [2.0, 1.0], [3.0, 5.0]])
    r = np.corrcoef(three.T)[0, 1]
    t = r / np.sqrt(1 - r * r)
    assert st.pearson_pvalues(three)[0, 1] == pytest.approx(
        1 - 2 / np.pi * np.arctan(abs(t)), abs=1e-12
    )
    four = np.array([[1.0, 2.0], [2.0, 1.0], [3.0, 5.0], [4.0, 3.0], [5.0, np.nan]])
    r = np.corrcoef(four[:4].T)[0, 1]  # pairwise complete: the first four rows
    t = r * np.sqrt(2) / np.sqrt(1 - r * r)
    p = st.pearson_pvalues(four)
    assert p[0, 1] == pytest.approx(1 - abs(t) / np.sqrt(2 + t * t), abs=1e-12)
    assert p[1, 0] == p[0, 1] and p[0, 0] == 0.0
    assert np.isnan(st.pearson_pvalues(four[:2])[0, 1])  # n = 2: no test
    # a large sample: against the normal limit of t with 998 df, loosely
    rng = np.random.default_rng(0)
    big = rng.normal(size=(1000, 2))
    big[:, 1] += 0.1 * big[:, 0]
    assert 0 < st.pearson_pvalues(big)[0, 1] < 0.05


def test_audit_has_pearson_pvalues(res: mi.Results) -> None:
    a = audit(res, year=2022)
    assert a.pearson_pvalues.shape == a.pearson.shape
    assert a.pearson_pvalues.at["i0", "i1"] == 0.0  # r = 1
    assert 0 <= a.pearson_pvalues.at["i2", "i3"] <= 1
    payload = a.to_dict()
    assert payload["pearson_pvalues"]["nodes"] == res.framework.node_ids


def test_first_principal_component_by_hand() -> None:
    # Two standardised columns with correlation r: the first component is (1, 1) / sqrt 2
    # for r > 0 and (1, -1) / sqrt 2 for r < 0; sign: loadings sum positive.
    a = np.array([1.0, 2.0, 4.0, 3.0])
    b = np.array([2.0, 1.0, 5.0, 5.0])
    np.testing.assert_allclose(st.first_pc(np.column_stack([a, b])), [2**-0.5] * 2, atol=1e-12)
    loadings = st.first_pc(np.column_stack([a, -b]))
    np.testing.assert_allclose(np.abs(loadings), [2**-0.5] * 2, atol=1e-12)
    assert loadings[0] * loadings[1] < 0
    # correlation matrix [[1,1,0],[1,1,0],[0,0,1]]: eigenvalue 2 with (1, 1, 0) / sqrt 2
    u = np.array([1.0, -1.0, 1.0, -1.0])
    v = np.array([1.0, 1.0, -1.0, -1.0])
    np.testing.assert_allclose(
        st.first_pc(np.column_stack([u, 2 * u + 1, v])), [2**-0.5, 2**-0.5, 0.0], atol=1e-12
    )


def test_pca_weights_per_parent(res: mi.Results) -> None:
    # get_PCA(by_groups = TRUE): per parent, the children's first component on complete
    # units; here by hand from the correlation matrix of each parent's scores.
    w = mi.pca_weights(res, level=1, year=2022)
    assert w.index.tolist() == res.framework.indicator_ids
    scores = res.scores.xs(2022, level="year")
    for parent in ("dim0", "dim1"):
        kids = res.framework.children[parent]
        block = scores[kids].dropna()
        _, vectors = np.linalg.eigh(block.corr().to_numpy())
        first = vectors[:, -1]
        total = first.sum()  # the convention: positive sum, else first loading positive
        first = first * np.sign(total if abs(total) > 1e-9 else first[0])
        np.testing.assert_allclose(w[kids].to_numpy(), first, atol=1e-9)
    # on the raw indicator values (COINr's default dset "Raw"): complete units only
    raw = mi.pca_weights(res, year=2022, stage="derived")
    values = res.stage("derived").xs(2022, level="year")[["i0", "i1", "i2"]]
    assert values["i2"].isna().sum() == 5  # five units left out of dim0's PCA
    _, vectors = np.linalg.eigh(values.dropna().corr().to_numpy())
    first = vectors[:, -1] * np.sign(vectors[:, -1].sum())
    np.testing.assert_allclose(raw[["i0", "i1", "i2"]].to_numpy(), first, atol=1e-9)
    level2 = mi.pca_weights(res, level=2)
    assert level2.index.tolist() == ["dim0", "dim1"]
    with pytest.raises(SpecError, match="level"):
        mi.pca_weights(res, level=3)
