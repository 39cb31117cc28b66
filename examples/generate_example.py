"""Generate the packaged example data: the SYNTHETIC district "Landkreis Auenthal".

Everything here is invented: the district, its 50 municipalities (48 at any time), their
names, keys and numbers. The district key 08999 does not exist (Baden-Württemberg has no
Regierungsbezirk 9), so the keys cannot be mistaken for real ones. The data are made to
behave like a real yearly drop for 2019-2024 (see examples/README.md):

- consistent raw counts (simulated by :func:`generate_large.simulate`);
- GENESIS symbols: counts of 1 or 2 suppressed (``.``/``*``), shares of tiny cohorts
  locked (``x``) or not reliable (``/``), the latest recognition statistics not yet
  available (``...``), exact zeros marked ``-``; provisional and estimated values flagged;
- a merger: Oberwinkel and Unterwinkel form Winkeltal on 1 January 2021;
- a missing year: the district's integration survey was not carried out in 2020;
- a definition change: population stocks from 2022 on the 2022 census basis;
- a measures register (which municipality has had which measure of the action catalog
  since when) with one PLANTED effect of known size, for effect monitoring
  (``mi.effects``): see :data:`PLANTED_EFFECT`.

Run ``python examples/generate_example.py`` to rewrite examples/data/.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

_HERE = Path(__file__).resolve().parent
if str(_HERE) not in sys.path:
    sys.path.insert(0, str(_HERE))

from generate_large import simulate  # noqa: E402

__all__ = [
    "DATA_FILE",
    "MEASURES",
    "MEASURES_FILE",
    "PLANTED_EFFECT",
    "PLANTED_MEASURE",
    "SEED",
    "UNITS_FILE",
    "build",
    "measures_frame",
    "write",
]

SEED = 20240615
YEARS = list(range(2019, 2025))
CENSUS_YEAR = 2022  # population stocks on the 2022 census basis from this year
SURVEY_GAP_YEAR = 2020  # the district's integration survey did not take place
MERGER_YEAR = 2021
DISTRICT = "08999"
DISTRICT_NAME = "Landkreis Auenthal (fiktiv / fictional)"
DATA_FILE = "mint_example.csv"
UNITS_FILE = "units.csv"
MEASURES_FILE = "measures.csv"

#: (municipality number, name, type, population in 2019). Invented names.
MUNICIPALITIES: list[tuple[str, str, str, int]] = [
    ("001", "Auenthal", "Große Kreisstadt", 80400),
    ("002", "Brennhausen", "Stadt", 41300),
    ("003", "Kaltenau", "Stadt", 26600),
    ("004", "Lindenweiler", "Stadt", 21800),
    ("005", "Mühlstetten", "Stadt", 16200),
    ("006", "Rabenfels", "Stadt", 13400),
    ("007", "Sonnbach", "Gemeinde", 11200),
    ("008", "Eichenried", "Stadt", 9600),
    ("009", "Hollerbach", "Gemeinde", 8300),
    ("010", "Steinachfeld", "Gemeinde", 7500),
    ("011", "Wiesentheim", "Gemeinde", 6900),
    ("012", "Ottersweil", "Gemeinde", 6200),
    ("013", "Forstach", "Gemeinde", 5700),
    ("014", "Kirchbühl", "Gemeinde", 5250),
]
_VILLAGES = [
    "Ahornau",
    "Bärenklau am Berg",
    "Dachsweiler",
    "Erlenmoos",
    "Falkenhag",
    "Ginsterfeld",
    "Haselgrund",
    "Immenried",
    "Kiefernau",
    "Kranichsfeld",
    "Lärchenhof",
    "Lerchenbühl",
    "Moosweiler",
    "Nesselbühl",
    "Quellbach",
    "Schwalbenhof",
    "Tannreute",
    "Ulmenstetten",
    "Weidenthal",
    "Zwieselberg",
    "Birkenreute",
    "Fuchsried",
    "Gerstenau",
    "Hirschgrund",
    "Kalkofen",
    "Lohmühle",
    "Mardertal",
    "Rosswinkel",
    "Sägbach",
    "Talheimweiler",
    "Wachtelberg",
    "Zeisigau",
]
MUNICIPALITIES += [
    (f"{15 + i:03d}", name, "Gemeinde", int(round(4900 * (1500 / 4900) ** (i / 31), -1)))
    for i, name in enumerate(_VILLAGES)
]
#: The merger: two villages that exist until 2020 and the new municipality from 2021.
MERGED_AWAY = [("047", "Oberwinkel", "Gemeinde", 1650), ("048", "Unterwinkel", "Gemeinde", 1420)]
MERGED_INTO = ("050", "Winkeltal", "Gemeinde", 1650 + 1420)

#: Variables from the district's yearly integration survey (missing in SURVEY_GAP_YEAR).
SURVEY_VARIABLES = (
    "assoc_board_members",
    "assoc_board_members_mig",
    "volunteers_total",
    "volunteers_mig",
    "parent_reps",
    "parent_reps_mig",
    "network_meetings",
    "multiplier_events",
    "migrant_orgs_networked",
    "encounter_events",
)
#: Official counts published with secrecy: 1 and 2 are suppressed, 0 is "-".
SECRET_COUNTS = (
    "emp_foreign",
    "emp_foreign_f",
    "unemp_foreign",
    "unemp_german",
    "sgb2_foreign",
    "sgb2_german",
    "naturalisations",
    "naturalisations_tcn",
    "tcn_precarious",
)
#: Stocks of the population statistics, provisional in the latest year.
POPULATION_STOCKS = (
    "pop_total",
    "pop_foreign",
    "pop_tcn",
    "pop_u18",
    "pop_adult",
    "pop_15_64_foreign",
    "pop_15_64_german",
    "pop_15_64_foreign_f",
    "pop_15_64_german_f",
    "pop_u65_foreign",
    "pop_u65_german",
    "pop_18_20_foreign",
    "pop_18_20_german",
)
#: Counts by migration background come from an estimation procedure (MigraPro).
ESTIMATED = (
    "pop_mig",
    "pop_u18_mig",
    "children_u3_mig",
    "children_u3_nonmig",
    "children_3to6_mig",
    "children_3to6_nonmig",
)


#: The measures register: (municipality number, action id, since, end, scope). Invented.
#: Eleven villages run the VOPI barrier analysis in two waves (staggered adoption); the
#: other rows show why an effect cannot always be estimated: Auenthal has no comparable
#: municipality (alone in its size class), Sonnbach started in 2020 (one year of data
#: before), Eichenried's long-term network started in 2023 (too early), Hollerbach ran
#: encounter places in one district from 2021 to 2023.
MEASURES: list[tuple[str, str, int, int | None, str | None]] = [
    *[(f"{n:03d}", "vopi_barrier_analysis", 2022, None, None) for n in (15, 17, 19, 21, 23, 25)],
    *[(f"{n:03d}", "vopi_barrier_analysis", 2023, None, None) for n in (27, 29, 31, 33, 35)],
    ("001", "mit_conferences", 2022, None, None),
    ("007", "mit_mentor_training", 2020, None, None),
    ("008", "mit_networks", 2023, None, None),
    ("009", "m3_encounter_places", 2021, 2023, "Ortsteil Hollerbach-Süd"),
]
#: The planted effect: from its ``since`` year on, a municipality running the VOPI barrier
#: analysis has more registered volunteers with a migration background: on average as many
#: more as their population share of all volunteers, so ``volunteers_representation``
#: (volunteers' share / population share) rises by 1.0. The effect is large on
#: purpose: in villages of 1,500-5,000 inhabitants a handful of volunteers make the ratio,
#: and a smaller effect would not be visible in six years of data. Nothing else is touched.
PLANTED_MEASURE = "vopi_barrier_analysis"
PLANTED_EFFECT = 1.0


def measures_frame() -> pd.DataFrame:
    """The measures register as written to :data:`MEASURES_FILE`."""
    frame = pd.DataFrame(MEASURES, columns=["unit", "measure", "since", "end", "scope"])
    frame["unit"] = DISTRICT + frame["unit"]
    frame["end"] = frame["end"].astype("Int64")
    return frame


def _plant_effect(sim: dict[str, np.ndarray], units: pd.DataFrame, seed: int) -> None:
    """Add :data:`PLANTED_EFFECT` to the adopters' volunteers with a migration background.

    Extra volunteers are Poisson with mean ``PLANTED_EFFECT * population share * all
    volunteers`` (capped at the volunteers without one), so the representation ratio rises
    by PLANTED_EFFECT in expectation. Its own generator keeps every other number as it was.
    """
    rng = np.random.default_rng([seed, 19])
    register = measures_frame()
    register = register[register["measure"] == PLANTED_MEASURE]
    since = np.full(len(units), np.inf)
    since[pd.Index(units["unit"]).get_indexer(register["unit"])] = register["since"].to_numpy(float)
    years = np.asarray(YEARS)[:, None]
    share = sim["pop_mig"] / np.maximum(sim["pop_total"], 1)
    total, mig = sim["volunteers_total"], sim["volunteers_mig"]
    extra = rng.poisson(PLANTED_EFFECT * share * total)
    sim["volunteers_mig"] = np.where(years >= since, np.minimum(mig + extra, total), mig)


def _units() -> pd.DataFrame:
    rows = [(*m, None, None) for m in MUNICIPALITIES]
    rows += [(*m, None, MERGER_YEAR - 1) for m in MERGED_AWAY]
    rows.append((*MERGED_INTO, MERGER_YEAR, None))
    frame = pd.DataFrame(
        rows,
        columns=["number", "name", "municipality_type", "pop_2019", "valid_from", "valid_to"],
    )
    frame.insert(0, "unit", DISTRICT + frame["number"])
    return frame.drop(columns="number")


def build(seed: int = SEED) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The example data as ``(long, units)``; the same seed gives the same frames."""
    rng = np.random.default_rng(seed)
    units = _units()
    sim = simulate(units["pop_2019"].to_numpy(float), YEARS, rng, census_year=CENSUS_YEAR)
    _plant_effect(sim, units, seed)
    n_y, n_u = len(YEARS), len(units)
    variables = sorted(sim)
    long = pd.DataFrame(
        {
            "unit": np.tile(np.repeat(units["unit"].to_numpy(object), len(variables)), n_y),
            "year": np.repeat(np.asarray(YEARS), n_u * len(variables)),
            "variable": np.tile(np.asarray(variables, dtype=object), n_y * n_u),
            "value": np.stack([sim[v] for v in variables], axis=-1).ravel(),
        }
    )
    long["missing_reason"] = None
    long["flag"] = None
    long = _real_drop(long, units, rng)
    last = long[long["variable"] == "pop_total"].sort_values("year").groupby("unit").last()
    units["population"] = units["unit"].map(last["value"]).astype("int64")
    units["district"] = DISTRICT
    units["district_name"] = DISTRICT_NAME
    units["synthetic"] = True
    units = units[
        [
            "unit",
            "name",
            "population",
            "municipality_type",
            "district",
            "district_name",
            "valid_from",
            "valid_to",
            "synthetic",
        ]
    ]
    return long.reset_index(drop=True), units


def _real_drop(long: pd.DataFrame, units: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Make the clean simulation look like what a district actually receives."""
    var, year, value = long["variable"], long["year"], long["value"]
    # Rows that do not exist: municipalities before/after the merger, the survey gap,
    # advisory-council elections where no council is elected, segregation without
    # statistical districts.
    valid_from = long["unit"].map(units.set_index("unit")["valid_from"]).fillna(0)
    valid_to = long["unit"].map(units.set_index("unit")["valid_to"]).fillna(9999)
    keep = (year >= valid_from) & (year <= valid_to)
    keep &= ~(var.isin(SURVEY_VARIABLES) & (year == SURVEY_GAP_YEAR))
    keep &= value.notna()
    long = long.loc[keep].copy()
    var, year, value = long["variable"], long["year"], long["value"]

    def mark(mask: pd.Series, reason: str) -> None:
        mask = mask & long["missing_reason"].isna()
        long.loc[mask, "value"] = np.nan
        long.loc[mask, "missing_reason"] = reason

    lookup = long.set_index(["unit", "year", "variable"])["value"]
    key = pd.MultiIndex.from_arrays([long["unit"], long["year"]])

    def companion(name: str) -> pd.Series:
        """The value of variable ``name`` in each row's unit and year."""
        values = lookup.xs(name, level="variable").reindex(key).to_numpy()
        return pd.Series(values, index=long.index)

    # Foreign leavers' qualifications are locked where fewer than 5 foreign pupils left: "x".
    mark((var == "leavers_foreign_nohsa") & companion("leavers_foreign").lt(5), "locked")
    # BAMF does not publish pass rates of cohorts under 10: "/".
    mark((var == "dtz_b1") & companion("dtz_takers").lt(10), "not_reliable")
    # Secrecy: official counts of 1 or 2 are suppressed ("." at Destatis, "*" at the BA).
    mark(var.isin(SECRET_COUNTS) & value.isin([1.0, 2.0]), "unknown_or_secret")
    # Recognition statistics for the latest year come later: "...".
    mark(
        var.isin(["recognition_decided", "recognition_full"]) & (year == YEARS[-1]),
        "not_yet_available",
    )
    # A few cells the statistical office kept back for reasons of its own.
    random_secret = var.isin(["apprentices_foreign", "grade8_foreign"]) & (
        rng.random(len(long)) < 0.02
    )
    mark(pd.Series(random_secret, index=long.index), "unknown_or_secret")

    # Flags on kept values.
    kept = long["missing_reason"].isna()
    long.loc[kept & var.isin(SECRET_COUNTS) & (long["value"] == 0), "flag"] = "nothing_there"
    long.loc[kept & var.isin(ESTIMATED), "flag"] = "estimated"
    latest = (
        kept
        & (year == YEARS[-1])
        & var.isin([*POPULATION_STOCKS, "naturalisations", "naturalisations_tcn"])
    )
    long.loc[latest, "flag"] = "provisional"
    return long


def write(out: Path = _HERE / "data", seed: int = SEED) -> tuple[Path, Path, Path]:
    """Write the data, units and measures files atomically into ``out``."""
    import os
    import tempfile

    long, units = build(seed)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for frame, name in ((long, DATA_FILE), (units, UNITS_FILE), (measures_frame(), MEASURES_FILE)):
        target = out / name
        fd, tmp = tempfile.mkstemp(dir=out, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            frame.to_csv(handle, index=False, float_format="%.10g", lineterminator="\n")
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
        paths.append(target)
    return paths[0], paths[1], paths[2]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write the synthetic example district.")
    parser.add_argument("--out", type=Path, default=_HERE / "data")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    data, units, measures = write(args.out, args.seed)
    print(f"wrote {data}, {units} and {measures}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
