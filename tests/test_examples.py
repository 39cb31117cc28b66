"""The packaged example district and the synthetic-data generators."""

from __future__ import annotations

import csv
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pandas as pd
import pytest

import mint_index as mi
from mint_index.framework.model import ParityCompute, RatioCompute
from mint_index.resources import catalog_path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"


def _load_script(name: str) -> ModuleType:
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def data() -> mi.Dataset:
    return mi.example_data()


@pytest.fixture(scope="module")
def wide(data: mi.Dataset) -> pd.DataFrame:
    return data.wide


@pytest.fixture(scope="module")
def fw() -> mi.Framework:
    return mi.default_framework()


def _pairs_le(wide: pd.DataFrame, small: str, large: str) -> None:
    both = wide[[small, large]].dropna()
    assert len(both) > 0, (small, large)
    bad = both[both[small] > both[large]]
    assert bad.empty, f"{small} > {large} in {len(bad)} rows, e.g. {bad.head(3)}"


# ---- the packaged data ---------------------------------------------------------------
def test_loads_with_every_framework_variable(data: mi.Dataset, fw: mi.Framework) -> None:
    assert sorted(data.variables) == sorted(fw.required_variables())
    assert [int(y) for y in data.years] == [2019, 2020, 2021, 2022, 2023, 2024]
    assert len(data.unit_ids) == 49


def test_units_are_ags_keys_of_a_fictional_district(data: mi.Dataset) -> None:
    units = data.units
    assert list(units.index) == sorted(units.index)
    assert all(len(u) == 8 and u.isdigit() and u.startswith("08999") for u in units.index)
    assert set(data.unit_ids) == set(units.index)
    assert units["synthetic"].all()
    assert units["population"].min() < 1700
    assert 70_000 < units["population"].max() < 90_000
    assert units.loc["08999001", "name"] == "Auenthal"


def test_units_per_year_and_the_merger(data: mi.Dataset) -> None:
    long = data.long
    per_year = long.groupby("year")["unit"].nunique()
    assert per_year.between(40, 60).all()
    assert per_year[2020] == per_year[2021] + 1
    years_of = long.groupby("unit")["year"].agg(["min", "max"])
    for old in ("08999047", "08999048"):
        assert (years_of.loc[old, "min"], years_of.loc[old, "max"]) == (2019, 2020)
    assert (years_of.loc["08999050", "min"], years_of.loc["08999050", "max"]) == (2021, 2024)
    # units tables keep their columns as text (only population is made numeric)
    assert int(data.units.loc["08999050", "valid_from"]) == 2021
    assert int(data.units.loc["08999047", "valid_to"]) == 2020


def test_population_counts_are_consistent(wide: pd.DataFrame) -> None:
    for small, large in [
        ("pop_foreign", "pop_total"),
        ("pop_tcn", "pop_foreign"),
        ("pop_foreign", "pop_mig"),
        ("pop_mig", "pop_total"),
        ("pop_u18_mig", "pop_u18"),
        ("pop_u18_mig", "pop_mig"),
        ("electorate_local", "pop_adult"),
        ("pop_15_64_foreign", "pop_u65_foreign"),
        ("pop_15_64_foreign_f", "pop_15_64_foreign"),
        ("pop_u65_german", "pop_total"),
        ("naturalisations_tcn", "naturalisations"),
        ("council_seats_mig", "council_seats"),
        ("emp_foreign_f", "emp_foreign"),
        ("persons_foreign_hh", "pop_foreign"),
    ]:
        _pairs_le(wide, small, large)
    rows = wide.dropna(subset=["pop_total"])
    assert (rows["pop_adult"] + rows["pop_u18"] == rows["pop_total"]).all()
    assert (rows["persons_foreign_hh"] + rows["persons_german_hh"] == rows["pop_total"]).all()
    status = rows[["tcn_permanent", "tcn_precarious", "pop_tcn"]].dropna()
    assert (status["tcn_permanent"] + status["tcn_precarious"] <= status["pop_tcn"]).all()


def test_every_framework_ratio_has_numerator_within_denominator(
    wide: pd.DataFrame, fw: mi.Framework
) -> None:
    counts = {v.id for v in fw.variables if v.unit == "count"}
    pairs = []
    for ind in fw.indicators:
        c = ind.compute
        if isinstance(c, RatioCompute) and ind.kind == "rate":
            pairs.append((c.numerator, c.denominator))
        if isinstance(c, ParityCompute):
            pairs += [
                (c.group.numerator, c.group.denominator),
                (c.reference.numerator, c.reference.denominator),
            ]
    pairs = [p for p in pairs if p[0] in counts and p[1] in counts]
    assert len(pairs) >= 25
    for small, large in pairs:
        _pairs_le(wide, small, large)


def test_start_of_year_stocks_are_last_years_stocks(wide: pd.DataFrame) -> None:
    frame = wide[["pop_foreign", "pop_foreign_start"]].dropna()
    frame = frame.reset_index()
    previous = frame.assign(year=frame["year"] + 1).set_index(["unit", "year"])["pop_foreign"]
    joined = frame.set_index(["unit", "year"]).join(previous.rename("previous"), how="inner")
    assert len(joined) > 150
    assert (joined["pop_foreign_start"] == joined["previous"]).all()
    tcn = wide["pop_tcn"].reset_index()
    tcn_prev = tcn.assign(year=tcn["year"] + 1).set_index(["unit", "year"])["pop_tcn"]
    eight = wide["tcn_res_8y_start"].dropna()
    both = pd.concat([eight, tcn_prev.rename("tcn_prev")], axis=1, join="inner").dropna()
    assert (both["tcn_res_8y_start"] <= both["tcn_prev"]).all()


def test_council_seats_follow_the_municipal_code_and_the_term(wide: pd.DataFrame) -> None:
    generate_large = _load_script("generate_large")
    seats = wide["council_seats"].unstack("year")
    term = seats[[2019, 2020, 2021, 2022, 2023]].dropna()
    assert (term.nunique(axis=1) == 1).all(), "seats change only at elections"
    assert set(np.unique(seats.to_numpy()[~np.isnan(seats.to_numpy())])) <= {
        8,
        10,
        12,
        14,
        18,
        22,
        26,
        32,
        40,
        48,
    }
    np.testing.assert_array_equal(
        generate_large.council_seats_bw(np.array([999, 1000, 4999, 5000, 80_000, 150_000])),
        [8, 10, 14, 18, 40, 48],
    )


def test_real_drop_messiness(data: mi.Dataset) -> None:
    long = data.long
    reasons = long["missing_reason"].value_counts()
    for reason in ("unknown_or_secret", "locked", "not_reliable", "not_yet_available"):
        assert reasons.get(reason, 0) > 0, reason
    assert long.loc[long["missing_reason"].notna(), "value"].isna().all()
    flags = long.groupby("flag")["year"].agg(["min", "max"])
    assert (flags.loc["provisional", "min"], flags.loc["provisional", "max"]) == (2024, 2024)
    assert {"estimated", "nothing_there"} <= set(flags.index)
    assert (long.loc[long["flag"] == "nothing_there", "value"] == 0).all()
    secret = long[long["missing_reason"] == "unknown_or_secret"]
    assert (
        secret["variable"]
        .isin(["naturalisations", "unemp_foreign", "sgb2_foreign", "emp_foreign_f", "unemp_german"])
        .any()
    )
    # the 2020 survey gap: no rows at all, while 2019 and 2021 have them
    survey = long[long["variable"] == "volunteers_total"]
    assert 2020 not in set(survey["year"]) and {2019, 2021} <= set(survey["year"])
    # small villages have tiny denominators
    tiny = long[(long["variable"] == "children_u3_mig") & (long["value"] < 20)]
    assert tiny["unit"].nunique() >= 10


def test_census_break_in_2022(wide: pd.DataFrame) -> None:
    """The 2022 census rebasing lowers the foreign population despite new arrivals."""
    totals = wide[["pop_total", "pop_foreign"]].groupby(level="year").sum()
    assert totals.loc[2021, "pop_total"] > totals.loc[2020, "pop_total"]
    assert totals.loc[2022, "pop_total"] < totals.loc[2021, "pop_total"] * 0.995
    assert totals.loc[2022, "pop_foreign"] < totals.loc[2021, "pop_foreign"]
    assert totals.loc[2023, "pop_foreign"] > totals.loc[2022, "pop_foreign"]


def test_packaged_files_are_small_and_complete() -> None:
    folder = catalog_path("examples")
    assert sorted(p.name for p in folder.iterdir() if not p.name.startswith(".")) == [
        "measures.csv",
        "mint_example.csv",
        "units.csv",
    ]
    assert sum(p.stat().st_size for p in folder.iterdir()) < 2_000_000


def test_derived_values_match_a_hand_computation(data: mi.Dataset, fw: mi.Framework) -> None:
    """Read the CSV with the csv module and compute two indicators by hand."""
    raw: dict[tuple[str, int, str], float] = {}
    with open(catalog_path("examples") / "mint_example.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["unit"] == "08999001" and row["value"] != "":
                raw[(row["unit"], int(row["year"]), row["variable"])] = float(row["value"])

    def v(name: str) -> float:
        return raw[("08999001", 2023, name)]

    derived = mi.score(data, fw).stage("derived").loc[("08999001", 2023)]
    expected_rate = v("naturalisations") / v("pop_foreign_start") * 100
    assert derived["naturalisation_rate"] == pytest.approx(expected_rate, rel=1e-12)
    expected_gap = (
        v("kita_u3_mig") / v("children_u3_mig") - v("kita_u3_nonmig") / v("children_u3_nonmig")
    ) * 100
    assert derived["kita_u3_parity"] == pytest.approx(expected_gap, rel=1e-12)
    expected_ratio = (v("council_seats_mig") / v("council_seats")) / (v("pop_mig") / v("pop_total"))
    assert derived["council_representation"] == pytest.approx(expected_ratio, rel=1e-12)


def test_the_default_framework_scores_the_example(data: mi.Dataset, fw: mi.Framework) -> None:
    res = mi.score(data, fw)
    index = res.scores["index"]
    existing = pd.MultiIndex.from_frame(data.long[["unit", "year"]].drop_duplicates())
    assert index.reindex(existing).notna().mean() > 0.95
    assert index.dropna().between(0, 100).all()
    assert set(res.units["peer_group"].dropna()) == {
        "< 5.000",
        "5.000–20.000",
        "20.000–50.000",
        "50.000–100.000",
    }


# ---- a new project's example data -------------------------------------------------------
def test_starter_data_by_hand(fw: mi.Framework) -> None:
    """``mint-index init``'s example data, worked out from the example file row by row:
    each variable's latest observed value (left out if it is a zero the framework divides
    by), the towns with the most such variables (the most populous on a tie)."""
    from mint_index.examples import starter_data

    folder = catalog_path("examples")
    with open(folder / "mint_example.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    with open(folder / "units.csv", newline="", encoding="utf-8") as handle:
        population = {r["unit"]: int(r["population"]) for r in csv.DictReader(handle)}
    latest: dict[tuple[str, str], tuple[int, float]] = {}
    for row in rows:
        if row["value"] == "":
            continue
        key, year = (row["unit"], row["variable"]), int(row["year"])
        if key not in latest or year > latest[key][0]:
            latest[key] = (year, float(row["value"]))
    denominators = {den for ind in fw.indicators for _, den in ind.fractions()}
    kept = {k: v for k, (_, v) in latest.items() if not (k[1] in denominators and v == 0)}
    assert len(kept) < len(latest)  # the example file has such zeros
    breadth = {u: sum(1 for (unit, _) in kept if unit == u) for u in population}
    ranked = sorted(population, key=lambda u: (-breadth[u], -population[u]))

    for n_units in (4, len(population)):  # the default, and every town (every zero)
        data, units = starter_data(fw, n_units)
        towns = ranked[:n_units]
        assert list(units["unit"]) == sorted(towns)
        assert set(data["year"]) == {max(int(r["year"]) for r in rows)}
        got = {
            (u, v): x for u, v, x in zip(data["unit"], data["variable"], data["value"], strict=True)
        }
        assert got == {k: v for k, v in kept.items() if k[0] in towns}


# ---- the generators ------------------------------------------------------------------
def test_example_generator_is_deterministic() -> None:
    gen = _load_script("generate_example")
    long_a, units_a = gen.build(7)
    long_b, units_b = gen.build(7)
    pd.testing.assert_frame_equal(long_a, long_b)
    pd.testing.assert_frame_equal(units_a, units_b)
    long_c, _ = gen.build(8)
    assert not long_a["value"].fillna(-1).equals(long_c["value"].fillna(-1))


def test_shipped_data_is_what_the_generator_makes(data: mi.Dataset) -> None:
    gen = _load_script("generate_example")
    long, units = gen.build(gen.SEED)
    rebuilt = mi.Dataset.from_long(long, units=units)
    np.testing.assert_array_equal(rebuilt.values, data.values)
    np.testing.assert_array_equal(rebuilt.reason, data.reason)
    np.testing.assert_array_equal(rebuilt.flag, data.flag)


def test_large_generator_dataset(fw: mi.Framework) -> None:
    gen = _load_script("generate_large")
    data = gen.generate_large(n_units=3000, n_years=3, seed=5)
    assert data.shape == (3, 3000, len(fw.required_variables()))
    assert sorted(data.variables) == sorted(fw.required_variables())
    assert [int(y) for y in data.years] == [2022, 2023, 2024]
    assert data.unit_ids[0] == "00000001" and len(data.units) == 3000
    again = gen.generate_large(n_units=3000, n_years=3, seed=5)
    np.testing.assert_array_equal(data.values, again.values)
    wide = data.wide
    for small, large in [
        ("pop_foreign", "pop_total"),
        ("pop_tcn", "pop_foreign"),
        ("kita_u3_mig", "children_u3_mig"),
        ("dtz_b1", "dtz_takers"),
        ("council_seats_mig", "council_seats"),
        ("tcn_res_8y_start", "pop_foreign_start"),
    ]:
        _pairs_le(wide, small, large)
    res = mi.score(data, fw)
    assert res.scores["index"].notna().mean() > 0.95


def test_large_generator_frames_and_cli(tmp_path: Path) -> None:
    gen = _load_script("generate_large")
    wide, units = gen.generate_large(500, 2, seed=1, output="frames")
    assert len(wide) == 1000 and list(wide.columns[:2]) == ["unit", "year"]
    assert set(units.columns) == {"unit", "name", "population"}
    out = tmp_path / "big.csv"
    assert gen.main(["--units", "200", "--years", "2", "--out", str(out)]) == 0
    written = pd.read_csv(out, dtype={"unit": str})
    assert len(written) == 400 and written["unit"].str.len().eq(8).all()
    assert (tmp_path / "big.units.csv").exists()
