"""read_coinr: COINr's ASEM tables -> Framework + Dataset, COINr defaults, errors, and the
COINr example index rebuilt independently with pandas from COINr's documented formulas."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import mint_index as mi
from mint_index.coinr import COINR_DEFAULTS, UNDATED_YEAR, read_coinr
from mint_index.errors import DataValidationError, FrameworkError

FIXTURES = Path(__file__).parent / "fixtures" / "coinr"
IDATA, IMETA = FIXTURES / "asem_idata.csv", FIXTURES / "asem_imeta.csv"


@pytest.fixture(scope="module")
def asem() -> tuple[mi.Framework, mi.Dataset]:
    return read_coinr(IDATA, IMETA)


@pytest.fixture(scope="module")
def tables() -> tuple[pd.DataFrame, pd.DataFrame]:
    return pd.read_csv(IDATA), pd.read_csv(IMETA)


def test_framework_structure(asem, tables) -> None:
    fw, _ = asem
    _, meta = tables
    ind = meta[meta["Type"] == "Indicator"]
    assert fw.indicator_ids == ind["iCode"].tolist()
    assert fw.index.id == "Index" and fw.levels["Index"] == 4
    assert sorted(fw.children["Index"]) == ["Conn", "Sust"]
    assert sorted(fw.aggregate_ids) == sorted(meta.loc[meta["Type"] == "Aggregate", "iCode"])
    assert fw.levels["Physical"] == 2 and fw.levels["Conn"] == 3
    assert set(fw.variable_map) == set(ind["iCode"]) | {"Area", "Energy", "GDP", "Population"}
    flights = fw.indicator("Flights")
    assert flights.parent == "Physical" and flights.direction == "higher"
    assert flights.denominator == "Population"
    assert flights.target is not None and flights.target.value == pytest.approx(200.3326555)
    assert flights.name.en == flights.name.de == "International flights passenger capacity"
    assert flights.source.publisher == "COINr import"
    assert fw.indicator("CostImpEx").direction == "lower"
    assert fw.indicator("LPI").denominator is None
    assert fw.indicator("Tariff").kind == "rate" and fw.indicator("Embs").kind == "count"


def test_defaults_are_coinrs(asem) -> None:
    fw, _ = asem
    for step, spec in COINR_DEFAULTS.items():
        assert getattr(fw.defaults, step).as_dict() == spec
    assert fw.defaults.normalise.as_dict() == {"method": "minmax", "range": [0, 100]}
    assert fw.defaults.aggregate.as_dict()["min_share"] == 0.0


def test_dataset_values_and_units_table(asem, tables) -> None:
    _, data = asem
    idata, _ = tables
    assert data.years.tolist() == [2018]
    assert sorted(data.unit_ids.tolist()) == sorted(idata["uCode"])
    wide = data.wide.xs(2018, level="year")
    for col in ("LPI", "ConSpeed", "GDP", "Population"):
        expected = idata.set_index("uCode")[col].reindex(wide.index)
        np.testing.assert_array_equal(wide[col].to_numpy(), expected.to_numpy())
    assert data.units.loc["AUT", "name"] == "Austria"
    assert data.units.loc["BGD", "EurAsia_group"] == "Asia"
    assert {"GDP_group", "GDPpc_group", "Pop_group", "EurAsia_group"} <= set(data.units.columns)
    assert data.provenance["sha256"].notna().all()


def test_dataframes_give_the_same_result(asem, tables) -> None:
    idata, meta = tables
    fw, data = read_coinr(idata, meta)
    assert fw.sha256 == asem[0].sha256
    np.testing.assert_array_equal(data.values, asem[1].values)


def test_without_time_column_is_a_single_year_build(tables, asem) -> None:
    # COINr's iData needs no Time column; without year=... the one year is UNDATED_YEAR
    idata, meta = tables
    no_time = idata.drop(columns="Time")
    fw, data = read_coinr(no_time, meta)
    assert data.years.tolist() == [UNDATED_YEAR] == [0]
    np.testing.assert_array_equal(data.values, asem[1].values)
    res = mi.score(data, fw)
    assert res.scores["Index"].notna().all()
    _, data = read_coinr(no_time, meta, year=2020)
    assert data.years.tolist() == [2020]


def test_panel_with_time(tables) -> None:
    idata, meta = tables
    later = idata.assign(Time=2019, LPI=idata["LPI"] + 1)
    _, data = read_coinr(pd.concat([idata, later]), meta)
    assert data.years.tolist() == [2018, 2019]
    lpi = data.cube(["LPI"])[..., 0]
    np.testing.assert_allclose(lpi[1] - lpi[0], 1.0)


def test_imeta_problems_are_collected(tables) -> None:
    _, meta = tables
    bad = meta.copy()
    bad.loc[0, "Direction"] = 2
    bad.loc[1, "Type"] = "Indicatr"
    bad.loc[bad["iCode"] == "Conn", "Parent"] = np.nan  # a second root
    with pytest.raises(FrameworkError) as err:
        read_coinr(IDATA, bad)
    message = str(err.value)
    assert "Direction" in message and "Indicatr" in message and "Conn" in message
    assert len(err.value.problems) == 3


def test_unknown_parent_is_a_framework_error(tables) -> None:
    _, meta = tables
    bad = meta.copy()
    bad.loc[bad["iCode"] == "LPI", "Parent"] = "Nowhere"
    with pytest.raises(FrameworkError, match="Nowhere"):
        read_coinr(IDATA, bad)


def test_idata_problems_are_collected(tables) -> None:
    idata, meta = tables
    bad = idata.copy().astype({"LPI": object})
    bad.loc[2, "LPI"] = "n/a?"
    bad["Extra"] = 1
    bad = bad.drop(columns="Pat")
    with pytest.raises(DataValidationError) as err:
        read_coinr(bad, meta)
    reasons = err.value.failures
    assert set(reasons["column"]) == {"LPI", "Extra", "Pat"}
    assert reasons.loc[reasons["column"] == "LPI", "row"].item() == 4  # CSV line of row 2


def test_missing_file_is_reported() -> None:
    with pytest.raises(DataValidationError, match="no such file"):
        read_coinr(FIXTURES / "nope.csv", IMETA)


# ---- COINr's example index, rebuilt by hand -----------------------------------------------


def coinr_by_hand(idata: pd.DataFrame, meta: pd.DataFrame) -> pd.DataFrame:
    """COINr's build_example_coin() without Treat: Denominate (iMeta Denominator),
    i_mean_grp by EurAsia_group, n_minmax to [0, 100] with Direction, a_amean up the tree."""
    ind = meta[meta["Type"] == "Indicator"]
    df = idata.set_index("uCode")
    x = df[ind["iCode"]].astype(float)
    for code, den in zip(ind["iCode"], ind["Denominator"], strict=True):
        if isinstance(den, str):
            x[code] = x[code] / df[den]
    groups = df["EurAsia_group"]
    x = x.apply(lambda col: col.fillna(col.groupby(groups).transform("mean")))
    direction = ind.set_index("iCode")["Direction"]
    x = x * direction
    scores = (x - x.min()) / (x.max() - x.min()) * 100
    weights = meta.set_index("iCode")["Weight"]
    for level in (2, 3, 4):
        for code in meta.loc[meta["Level"] == level, "iCode"]:
            kids = meta.loc[meta["Parent"] == code, "iCode"].tolist()
            w = weights[kids]
            scores[code] = (scores[kids] * w).sum(axis=1) / w.sum()
    return scores


def test_coinr_example_index_matches_hand_computation(asem, tables) -> None:
    fw, data = asem
    idata, meta = tables
    res = mi.score(
        data,
        fw,
        denominate={"method": "denominator"},
        impute={"method": "mean", "by": "EurAsia_group"},
        normalise={"method": "minmax", "range": [0, 100]},
        aggregate={"method": "arithmetic"},
    )
    expected = coinr_by_hand(idata, meta)
    assert not expected["ConSpeed"].isna().any()  # 8 countries were imputed
    got = res.scores.xs(2018, level="year")
    for column in ["Flights", "ConSpeed", "Goods", "Physical", "Social", "Conn", "Index"]:
        np.testing.assert_allclose(
            got[column].to_numpy(), expected[column].reindex(got.index).to_numpy(), rtol=1e-9
        )


# ---- COINr 1.1.14's own output ----------------------------------------------------------------

#: The example chain of ``build_example_coin()`` up to the treated data.
EXAMPLE_CHAIN = {
    "denominate": {"method": "denominator"},
    "impute": {"method": "mean", "by": "EurAsia_group"},
    "treat": {"method": "winsorise"},
}


def _with_a_copy_of_austria(idata: pd.DataFrame) -> pd.DataFrame:
    copy = idata[idata["uCode"] == "AUT"].assign(uCode="AUT2", uName="Austria (copy)")
    return pd.concat([idata, copy], ignore_index=True)


@pytest.mark.parametrize(
    ("file", "stage", "steps", "tables_of"),
    [
        ("treat_default.csv", "treated", {}, None),
        ("agg_amean.csv", "aggregated", {}, None),
        (
            "agg_gmean_1_100.csv",
            "aggregated",
            {
                "normalise": {"method": "minmax", "range": [1, 100]},
                "aggregate": {"method": "geometric"},
            },
            None,
        ),
        (
            "agg_copeland_dup_AUT.csv",
            "aggregated",
            {"aggregate": {"method": "copeland"}},
            _with_a_copy_of_austria,
        ),
    ],
)
def test_coinr_1_1_14_output(tables, file: str, stage: str, steps: dict, tables_of) -> None:
    """Known answers from COINr 1.1.14 itself (fixtures/coinr/outputs: the R call of each):
    the example chain, and arithmetic, geometric and Copeland aggregation, every value of
    every indicator and aggregate to 1e-9."""
    idata, meta = tables
    fw, data = read_coinr(tables_of(idata) if tables_of else idata, meta)
    res = mi.score(data, fw, **EXAMPLE_CHAIN, **steps)
    got = res.stage(stage).xs(res.years[0], level="year")
    theirs = pd.read_csv(FIXTURES / "outputs" / file, index_col="uCode")
    assert set(theirs.index) == set(got.index)
    np.testing.assert_allclose(
        got.loc[theirs.index, theirs.columns].to_numpy(float),
        theirs.to_numpy(float),
        rtol=0,
        atol=1e-9,
    )


# ---- COINr parity on ASEM variants -----------------------------------------------------------


def test_aggregate_override_keeps_read_coinrs_min_share(asem, tables) -> None:
    # D1: aggregate={"method": ...} must not bring back the built-in min_share 0.5: COINr
    # aggregates whatever is present (dat_thresh NULL). A unit with 6 of its 8 Physical
    # indicators removed keeps a Physical score, the arithmetic mean of the other two.
    fw, data = asem
    idata, meta = tables
    physical = meta.loc[meta["Parent"] == "Physical", "iCode"].tolist()
    assert len(physical) == 8
    gappy = idata.copy()
    gappy.loc[gappy["uCode"] == "AUT", physical[:6]] = np.nan
    fw, data = read_coinr(gappy, meta)
    res = mi.score(data, fw, aggregate={"method": "arithmetic"})
    assert res.plan.aggregate["Physical"].params.min_share == 0.0
    normalised = res.stage("normalised").xs("AUT", level="unit").iloc[0]
    weights = meta.set_index("iCode")["Weight"][physical[6:]]
    expected = (normalised[physical[6:]] * weights).sum() / weights.sum()
    got = res.scores.xs("AUT", level="unit")["Physical"].iloc[0]
    assert got == pytest.approx(expected, abs=1e-9)
    # naming min_share in the override still wins: 2 of 8 < 0.5 -> no score
    strict = mi.score(data, fw, aggregate={"method": "arithmetic", "min_share": 0.5})
    assert np.isnan(strict.scores.xs("AUT", level="unit")["Physical"].iloc[0])


def test_a_node_level_aggregate_keeps_read_coinrs_min_share(tables) -> None:
    # COINr's per-level f_ag = c("a_gmean", "a_amean", "a_amean") is written on the
    # level-2 nodes of the import. Such a node spec brought back the built-in min_share
    # 0.5: AUT, with 2 of its 8 Physical indicators, lost its Physical score. As an
    # override does, a node's spec keeps the min_share it does not name (COINr: 36.5905).
    idata, meta = tables
    physical = meta.loc[meta["Parent"] == "Physical", "iCode"].tolist()
    gappy = idata.copy()
    gappy.loc[gappy["uCode"] == "AUT", physical[2:]] = np.nan
    fw, data = read_coinr(gappy, meta)
    written = fw.model_dump()
    for node in written["nodes"]:
        if fw.levels[node["id"]] == 2:
            node["aggregate"] = {"method": "geometric"}
    per_level = mi.Framework.model_validate(written)
    normalise = {"method": "minmax", "range": [1, 100]}
    res = mi.score(data, per_level, normalise=normalise)
    assert res.plan.aggregate["Physical"].params.min_share == 0.0
    assert res.plan.aggregate["Index"].params.min_share == 0.0
    normalised = res.stage("normalised").xs("AUT", level="unit").iloc[0][physical[:2]]
    weights = meta.set_index("iCode")["Weight"][physical[:2]]
    expected = np.exp((np.log(normalised) * weights).sum() / weights.sum())
    got = res.scores.xs("AUT", level="unit")["Physical"].iloc[0]
    assert got == pytest.approx(expected, abs=1e-9)
    assert got == pytest.approx(36.5905, abs=1e-4)  # COINr 1.1.14, the same build


def test_goalposts_come_from_imeta(tables) -> None:
    # COINr's Normalise(f_n = "n_goalposts", f_n_para = "use_iMeta") reads goalpost_lower
    # and goalpost_upper per indicator; read_coinr left them out without a word, and
    # normalise={"method": "goalposts"} failed naming all 49 indicators. n_goalposts with
    # trunc2posts: (x - l) / (u - l), lower is better (u - x) / (u - l), clipped to [0, 1].
    idata, meta = tables
    is_indicator = meta["Type"] == "Indicator"
    codes = meta.loc[is_indicator, "iCode"].tolist()
    raw = idata.set_index("uCode")[codes]
    lower, upper = raw.quantile(0.25), raw.max() + 1  # some units below the lower post
    with_posts = meta.copy()
    with_posts.loc[is_indicator, "goalpost_lower"] = lower[codes].to_numpy()
    with_posts.loc[is_indicator, "goalpost_upper"] = upper[codes].to_numpy()
    fw, data = read_coinr(idata, with_posts)
    assert fw.indicator("LPI").goalposts == mi.framework.model.Goalposts(
        lower=lower["LPI"], upper=upper["LPI"]
    )
    res = mi.score(data, fw, normalise={"method": "goalposts"})
    direction = meta.set_index("iCode").loc[codes, "Direction"]
    ratio = (raw - lower) / (upper - lower)
    ratio.loc[:, direction < 0] = 1 - ratio.loc[:, direction < 0]
    expected = ratio.clip(0, 1) * 100
    got = res.stage("normalised").xs(res.years[0], level="year")[codes]
    np.testing.assert_allclose(got.loc[expected.index], expected, rtol=0, atol=1e-9)
    assert (got == 0).any().any()  # the clip was met


def test_per_indicator_normalisation_parameters_are_named(tables) -> None:
    # the rest of COINr's use_iMeta columns are a build's parameters in mint-index: said
    idata, meta = tables
    extra = meta.assign(minmax_lower=0.0, minmax_upper=1.0, goalpost_scale=100.0)
    with pytest.warns(mi.coinr.CoinrParametersWarning) as caught:
        read_coinr(idata, extra)
    (warning,) = caught
    message = str(warning.message)
    assert "goalpost_scale: normalise=" in message
    assert 'minmax_lower, minmax_upper: normalise={"method": "minmax"' in message
    one_post = meta.assign(goalpost_lower=1.0)
    with pytest.raises(FrameworkError, match="goalpost_lower and goalpost_upper"):
        read_coinr(idata, one_post)
    inverted = meta.assign(goalpost_lower=5.0, goalpost_upper=1.0)
    with pytest.raises(FrameworkError, match=r"row 2\.goalpost_lower: inverted goalposts"):
        read_coinr(idata, inverted)


@pytest.mark.parametrize(
    ("column", "value", "said"),
    [
        ("Weight", -1.0, r"row 2\.Weight: Input should be greater than or equal to 0"),
        ("Target", np.inf, r"row 2\.Target: Input should be a finite number"),
        ("iCode", "a b", r"row 2\.iCode: String should match pattern"),
    ],
)
def test_imeta_values_the_framework_refuses_are_problems_at_their_row(
    tables, column: str, value: object, said: str
) -> None:
    # pydantic's own ValidationError, naming indicators.0.weight, came through
    idata, meta = tables
    bad = meta.astype({column: object})
    bad.loc[0, column] = value
    with pytest.raises(FrameworkError, match=said):
        read_coinr(idata, bad)


def test_normalise_none_enters_negated_as_coinr(asem, tables) -> None:
    # D2: Normalise(f_n = "none") multiplies by Direction: CostImpEx (Direction -1) enters
    # its parent's arithmetic mean as -x.
    fw, data = asem
    idata, meta = tables
    res = mi.score(data, fw, normalise={"method": "none"})
    parent = fw.indicator("CostImpEx").parent
    kids = meta.loc[meta["Parent"] == parent].set_index("iCode")
    x = idata.set_index("uCode")[kids.index] * kids["Direction"]
    expected = (x * kids["Weight"]).sum(axis=1, min_count=1) / (x.notna() * kids["Weight"]).sum(
        axis=1
    )
    got = res.scores.xs(2018, level="year")[parent]
    np.testing.assert_allclose(got.to_numpy(), expected.reindex(got.index).to_numpy(), rtol=1e-12)
    assert (res.stage("normalised")["CostImpEx"] <= 0).all()


def test_min_share_is_dat_thresh_on_asem(tables) -> None:
    # D6 on ASEM with unequal weights: Physical's 8 children get weights 10 1 1 1 1 1 1 1.
    # AUT keeps the heavy one and one light one: 2 of 8 present (11/17 of the weight):
    # dropped at dat_thresh 0.5. BEL loses the heavy one and three light ones: 4 of 8
    # present (4/17 of the weight), exactly half: kept, the mean of the four present.
    idata, meta = tables
    meta = meta.copy()
    physical = meta.loc[meta["Parent"] == "Physical", "iCode"].tolist()
    meta.loc[meta["iCode"] == physical[0], "Weight"] = 10.0
    gappy = idata.copy()
    gappy.loc[gappy["uCode"] == "AUT", physical[2:]] = np.nan
    gappy.loc[gappy["uCode"] == "BEL", physical[:4]] = np.nan
    fw, data = read_coinr(gappy, meta)
    res = mi.score(data, fw, aggregate={"method": "arithmetic", "min_share": 0.5})
    phys = res.scores.xs(2018, level="year")["Physical"]
    assert np.isnan(phys["AUT"])
    bel = res.stage("normalised").xs("BEL", level="unit")[physical[4:]].iloc[0]
    assert phys["BEL"] == pytest.approx(bel.mean(), abs=1e-9)
