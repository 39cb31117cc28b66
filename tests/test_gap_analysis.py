"""Gaps: every number recomputed here from its definition (by hand or with plain pandas)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from helpers import make_small_long

import mint_index as mi
from mint_index.gap_analysis import GAP_COLUMNS, gap_table, gaps, target_scores

# ---- gap_table on hand-made arrays --------------------------------------------------------


def _tiny() -> pd.DataFrame:
    # 2 years x 3 units x 2 nodes; units a1, a2 in peer group "A", b1 alone in "B"
    scores = np.array(
        [
            [[10.0, 50.0], [30.0, 70.0], [20.0, np.nan]],  # 2020
            [[16.0, 40.0], [30.0, 90.0], [26.0, 60.0]],  # 2022
        ]
    )
    return gap_table(
        scores=scores,
        years=[2020, 2022],
        unit_ids=["a1", "a2", "b1"],
        node_ids=["x", "y"],
        peer_groups=["A", "A", "B"],
        targets=np.array([[40.0, 100.0], [40.0, 100.0]]),
        values=np.full((2, 3, 2), 7.0),
        parity=np.array([True, False]),
    )


def _row(frame: pd.DataFrame, unit: str, year: int, node: str) -> pd.Series:
    hit = frame[(frame["unit"] == unit) & (frame["year"] == year) & (frame["node"] == node)]
    assert len(hit) == 1
    return hit.iloc[0]


def test_gap_table_known_answers() -> None:
    g = _tiny()
    assert list(g.columns) == GAP_COLUMNS
    assert len(g) == 3 * 2 * 2
    r = _row(g, "a1", 2022, "x")
    assert r["score"] == 16.0
    assert r["gap_target"] == pytest.approx(40 - 16)
    assert r["gap_peer_median"] == pytest.approx((16 + 30) / 2 - 16)  # median of A = 23
    assert r["gap_peer_best"] == pytest.approx(30 - 16)
    assert r["change"] == pytest.approx(16 - 10)
    assert r["trend"] == pytest.approx((16 - 10) / 2)  # two years apart
    assert r["parity_gap"] == 7.0 and r["value"] == 7.0
    assert r["peer_group"] == "A"
    # a unit ahead of its peers has a negative gap
    r = _row(g, "a2", 2022, "y")
    assert r["gap_peer_median"] == pytest.approx((40 + 90) / 2 - 90)
    assert r["gap_peer_best"] == pytest.approx(0.0)
    assert np.isnan(r["parity_gap"])  # y is no parity indicator
    # alone in its group: median and best are its own score
    r = _row(g, "b1", 2022, "x")
    assert r["gap_peer_median"] == pytest.approx(0.0) and r["gap_peer_best"] == pytest.approx(0.0)


def test_gap_table_missing_scores() -> None:
    g = _tiny()
    first = _row(g, "a1", 2020, "x")
    assert np.isnan(first["change"]) and np.isnan(first["trend"])  # nothing before
    missing = _row(g, "b1", 2020, "y")
    assert np.isnan(missing["score"]) and np.isnan(missing["gap_target"])
    # the trend starts at the first year with a score: none before 2022 for b1/y
    later = _row(g, "b1", 2022, "y")
    assert np.isnan(later["change"]) and np.isnan(later["trend"])


def test_gap_table_unit_without_peer_group() -> None:
    g = gap_table(
        scores=np.array([[[10.0], [20.0], [30.0]]]),
        years=[2024],
        unit_ids=["u1", "u2", "u3"],
        node_ids=["x"],
        peer_groups=["A", None, "A"],
    )
    assert _row(g, "u1", 2024, "x")["gap_peer_median"] == pytest.approx(10.0)  # median 20
    assert np.isnan(_row(g, "u2", 2024, "x")["gap_peer_median"])
    assert np.isnan(_row(g, "u2", 2024, "x")["gap_target"])  # no targets given


def test_gap_table_order_and_categoricals() -> None:
    g = _tiny()
    assert list(g["unit"].cat.categories) == ["a1", "a2", "b1"]
    assert list(g["node"].cat.categories) == ["x", "y"]
    keys = list(zip(g["unit"].astype(str), g["year"], g["node"].cat.codes, strict=True))
    assert keys == sorted(keys)


# ---- gaps(results) --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small_results() -> mi.Results:
    fw = mi.load_framework("tests/fixtures/framework_small")
    data = mi.Dataset.from_long(make_small_long(seed=3, units=6, years=(2021, 2022, 2023)))
    units = pd.DataFrame(
        {
            "unit": [f"0{1001 + u}000" for u in range(6)],
            "peer_group": ["s", "s", "s", "l", "l", "l"],
        }
    )
    data = mi.Dataset(
        data.values,
        data.years,
        data.unit_ids,
        data.variables,
        data.reason,
        data.flag,
        units.set_index("unit"),
    )
    return mi.score(data, fw, normalise="goalposts")


def test_gaps_against_pandas(small_results: mi.Results) -> None:
    res = small_results
    g = gaps(res)
    scores = res.scores.stack().rename("score").reset_index()  # unit, year, node, score
    peers = res.units["peer_group"]
    scores["peer_group"] = scores["unit"].map(peers)
    grouped = scores.groupby(["year", "peer_group", "node"])["score"]
    scores["median"] = grouped.transform("median")
    scores["best"] = grouped.transform("max")
    ordered = scores.sort_values(["unit", "node", "year"])
    by_series = ordered.groupby(["unit", "node"])["score"]
    ordered["change"] = by_series.diff()
    ordered["trend"] = (ordered["score"] - by_series.transform("first")) / (
        ordered["year"] - ordered.groupby(["unit", "node"])["year"].transform("first")
    )
    merged = g.assign(unit=g["unit"].astype(str), node=g["node"].astype(str)).merge(
        ordered, on=["unit", "year", "node"], suffixes=("", "_expected")
    )
    assert len(merged) == len(g) == len(res.unit_ids) * len(res.years) * len(res.node_ids)
    np.testing.assert_allclose(merged["score"], merged["score_expected"])
    np.testing.assert_allclose(merged["gap_peer_median"], merged["median"] - merged["score"])
    np.testing.assert_allclose(merged["gap_peer_best"], merged["best"] - merged["score"])
    np.testing.assert_allclose(merged["change"], merged["change_expected"])
    np.testing.assert_allclose(merged["trend"], merged["trend_expected"])
    # change is the same as Results.changes
    changes = res.changes.stack().rename("c").reset_index()
    both = merged.merge(changes, on=["unit", "year", "node"])
    np.testing.assert_allclose(both["change"], both["c"])


def test_gaps_to_target_with_goalposts(small_results: mi.Results) -> None:
    g = gaps(small_results)
    # kita_parity: target 0 on goalposts [-40, 0] -> 100; the others have no target and
    # their upper goalpost is the best score, 100; so every aggregate's target is 100 too
    np.testing.assert_allclose(g["gap_target"], 100.0 - g["score"])
    kita = g[g["node"] == "kita_parity"]
    derived = small_results.stage("derived")["kita_parity"]
    expected = derived.reindex(
        pd.MultiIndex.from_arrays([kita["unit"].astype(str), kita["year"]])
    ).to_numpy()
    np.testing.assert_allclose(kita["parity_gap"], expected)
    np.testing.assert_allclose(kita["value"], expected)
    assert g.loc[g["node"] != "kita_parity", "parity_gap"].isna().all()
    assert g.loc[g["node"].isin(["education", "index"]), "value"].isna().all()


def test_target_score_of_a_target_inside_the_goalposts() -> None:
    fw = mi.load_framework("tests/fixtures/framework_small")
    data = fw.to_dict()
    for ind in data["indicators"]:
        if ind["id"] == "employment":
            ind["target"] = {"value": 70}  # goalposts 30..80 -> (70 - 30) / 50 = 80 points
    fw2 = mi.Framework.model_validate(data)
    res = mi.score(mi.Dataset.from_long(make_small_long(units=3)), fw2, normalise="goalposts")
    targets = target_scores(res)
    col = fw2.node_ids.index("employment")
    np.testing.assert_allclose(targets[:, col], 80.0)
    # education = mean(kita_parity 100, employment 80); participation children all 100
    np.testing.assert_allclose(targets[:, fw2.node_ids.index("education")], 90.0)
    # index: education weight 1, participation weight 2 -> (90 + 2 * 100) / 3
    np.testing.assert_allclose(targets[:, fw2.node_ids.index("index")], (90 + 200) / 3)


def test_target_score_follows_the_methods_parameters() -> None:
    """A target beyond the goalposts, mapped by the normalisation's own parameters: 90 on
    goalposts 30..80 is (90 - 30) / 50 = 1.2 of the range, 12 points on a scale of 10
    unclipped, 10 clipped; ``none`` keeps the value times the direction (higher: +1)."""
    fw = mi.load_framework("tests/fixtures/framework_small")
    data = fw.to_dict()
    for ind in data["indicators"]:
        if ind["id"] == "employment":
            ind["target"] = {"value": 90}
    fw2 = mi.Framework.model_validate(data)
    dataset = mi.Dataset.from_long(make_small_long(units=3))
    col = fw2.node_ids.index("employment")
    for params, expected in (({"clip": False}, 12.0), ({"clip": True}, 10.0)):
        spec = {"method": "goalposts", "scale": 10, **params}
        res = mi.score(dataset, fw2, normalise=spec)
        np.testing.assert_allclose(target_scores(res)[:, col], expected)
    res = mi.score(dataset, fw2, normalise="none")
    np.testing.assert_allclose(target_scores(res)[:, col], 90.0)


def test_target_score_interpolated_for_minmax() -> None:
    """minmax is affine per year, so a target inside the observed range maps exactly."""
    fw = mi.load_framework("tests/fixtures/framework_small")
    long = make_small_long(seed=5, units=6, years=(2022, 2023))
    # kita parity ranges around the target 0: some units above, some below parity
    flip = (long["variable"] == "kita_mig") & long["unit"].isin(["01001000", "01002000"])
    long.loc[flip, "value"] = 48.0  # 96 % of 50 children, above the reference rate
    res = mi.score(
        mi.Dataset.from_long(long), fw, normalise={"method": "minmax", "fit": "per_year"}
    )
    x = res.stage("derived")["kita_parity"].unstack("year")  # units x years
    expected = (0.0 - x.min()) / (x.max() - x.min()) * 100  # per year
    col = fw.node_ids.index("kita_parity")
    np.testing.assert_allclose(target_scores(res)[:, col], expected.to_numpy())


def test_parity_gap_is_the_distance_from_parity() -> None:
    # a ratio reaches parity at 1: a ratio of 0.75 is 0.25 short of it (sign: below)
    g = gap_table(
        scores=np.full((1, 1, 2), 50.0),
        years=[2024],
        unit_ids=["u"],
        node_ids=["ratio", "difference"],
        peer_groups=["A"],
        values=np.array([[[0.75, -12.0]]]),
        parity=np.array([True, True]),
        parity_point=np.array([1.0, 0.0]),
    )
    assert _row(g, "u", 2024, "ratio")["parity_gap"] == pytest.approx(-0.25)
    assert _row(g, "u", 2024, "difference")["parity_gap"] == pytest.approx(-12.0)


def test_parity_gap_of_the_default_framework_on_the_example() -> None:
    from mint_index.framework.model import ParityCompute

    res = mi.score(mi.example_data())
    g = gaps(res)
    derived = res.stage("derived")
    fw = res.framework
    for ind in fw.indicators:
        if ind.kind != "parity_gap":
            continue
        assert isinstance(ind.compute, ParityCompute)
        point = 1.0 if ind.compute.mode == "ratio" else 0.0  # where the group meets parity
        rows = g[g["node"] == ind.id].set_index(["unit", "year"])["parity_gap"]
        expected = derived[ind.id] - point
        expected.index = expected.index.set_levels(expected.index.levels[0].astype(str), level=0)
        got = rows.reindex(expected.index)
        np.testing.assert_allclose(got.to_numpy(float), expected.to_numpy(float), equal_nan=True)
