"""Large synthetic data sets for the default MINT framework (benchmarks, stress tests).

SYNTHETIC: the numbers describe no real municipality. They are drawn so that raw counts
are consistent with each other (foreigners <= population, third-country nationals <=
foreigners, subgroups <= their totals, ...) and the derived indicators land in plausible
ranges. Everything is whole-array numpy over ``[year, unit]``; 100,000 units x 1 year take
well under a second.

As a function::

    from generate_large import generate_large
    data = generate_large(n_units=100_000, n_years=1, seed=0)        # a mint_index Dataset
    wide, units = generate_large(10_786, 10, output="frames")          # pandas frames

As a script::

    python examples/generate_large.py --units 10786 --years 10 --out big.csv.gz
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

__all__ = ["council_seats_bw", "generate_large", "simulate", "synthetic_populations"]

#: Council size by inhabitants after § 25 Gemeindeordnung Baden-Württemberg (lower bounds).
_SEAT_BREAKS = np.array([1000, 2000, 3000, 5000, 10000, 20000, 30000, 50000, 150000])
_SEATS = np.array([8, 10, 12, 14, 18, 22, 26, 32, 40, 48])

#: Local elections (BW): councils sit for five years from these years.
ELECTION_YEARS = (2014, 2019, 2024, 2029, 2034)


def council_seats_bw(population: np.ndarray) -> np.ndarray:
    """Seats of the municipal council for a population (BW municipal code, § 25)."""
    return _SEATS[np.searchsorted(_SEAT_BREAKS, population, side="right")]


def synthetic_populations(n_units: int, rng: np.random.Generator) -> np.ndarray:
    """Populations shaped like German municipalities: median about 2,000, a long tail."""
    pop = np.exp(rng.normal(np.log(2200), 1.15, n_units))
    return np.clip(np.round(pop), 150, 3_700_000)


def _binom(rng: np.random.Generator, n: np.ndarray, p: np.ndarray | float) -> np.ndarray:
    """Binomial draws; where the variance is large, the (rounded, clipped) normal
    approximation, which is indistinguishable there and an order of magnitude faster."""
    n, p = np.broadcast_arrays(np.maximum(np.nan_to_num(n), 0), np.clip(p, 0.0, 1.0))
    mean, var = n * p, n * p * (1.0 - p)
    big = var > 9.0
    out = np.empty(n.shape)
    out[big] = np.clip(
        np.round(mean[big] + np.sqrt(var[big]) * rng.standard_normal(big.sum())), 0, n[big]
    )
    small = ~big
    out[small] = rng.binomial(n[small].astype(np.int64), p[small])
    return out


def _poisson(rng: np.random.Generator, lam: np.ndarray) -> np.ndarray:
    return rng.poisson(np.maximum(lam, 0.0)).astype(np.float64)


def _status(years: np.ndarray, planned: np.ndarray, in_place: np.ndarray) -> np.ndarray:
    """Answer code 0/1/2 that never falls: 1 from ``planned``, 2 from ``in_place``."""
    y = years[:, None]
    return (y >= planned[None, :]).astype(np.float64) + (y >= in_place[None, :])


def _adoption(
    rng: np.random.Generator, likelihood: np.ndarray, n: int
) -> tuple[np.ndarray, np.ndarray]:
    """Years a measure is planned and put in place; likely units adopt early, some never."""
    planned = 2032 - np.round(likelihood * 22 + rng.normal(0, 3, n))
    in_place = planned + rng.integers(1, 4, n)
    return planned, in_place


def _previous(rng: np.random.Generator, stock: np.ndarray, survival: float) -> np.ndarray:
    """Stocks at 31 December of the previous year: the row above, and for the first year
    a draw slightly below the year's own stock."""
    first = _binom(rng, stock[:1], survival)
    return np.vstack([first, stock[:-1]])


def simulate(
    pop0: np.ndarray,
    years: Sequence[int],
    rng: np.random.Generator,
    census_year: int | None = None,
) -> dict[str, np.ndarray]:
    """Every raw variable of the default framework as ``{variable: array[year, unit]}``.

    ``pop0`` is each unit's population in ``years[0]``. Start-of-year stocks are the
    previous year's end-of-year stocks; for ``years[0]`` they are drawn slightly below
    its own stocks (foreign populations grow by about 3 % a year).
    ``census_year``: from this year on, stocks are rebased as after the 2022 census (a
    level break: fewer residents, and markedly fewer foreigners, than the register
    projection said). NaN marks values that do not exist (no elected advisory council, no
    statistical districts).
    """
    pop0 = np.asarray(pop0, dtype=np.float64)
    years_all = np.arange(years[0], years[-1] + 1)
    n_t, n_u = len(years_all), len(pop0)
    t = np.arange(n_t, dtype=np.float64)[:, None]
    yr = years_all[:, None]
    size = np.log10(np.maximum(pop0, 100.0))[None, :]  # 3.2 for 1,500; 4.9 for 80,000

    # Latent unit traits: integration performance q, its trend, programme activity.
    q = rng.normal(0.0, 1.0, n_u)[None, :]
    trend = rng.normal(0.004, 0.004, n_u)[None, :]
    engaged = (rng.random(n_u) < np.clip(0.15 + 0.2 * (size[0] - 3.3), 0.1, 0.9))[None, :]

    # ---- population stocks --------------------------------------------------------------
    growth = rng.normal(0.004, 0.004, n_u)[None, :]
    pop_total = np.round(pop0[None, :] * (1.0 + growth) ** t)
    f_share = np.clip(0.035 + 0.08 * (size - 3.2) + rng.normal(0, 0.015, n_u), 0.015, 0.4)
    tcn_frac = np.clip(rng.normal(0.6, 0.08, n_u), 0.3, 0.85)[None, :]
    ukraine = np.where(yr >= 2022, pop_total * 0.008 * rng.uniform(0.4, 1.6, n_u), 0.0)
    if census_year is not None:
        rebase = yr >= census_year
        pop_total = np.where(rebase, np.round(pop_total * 0.985), pop_total)
        f_share = np.where(rebase, f_share * 0.92, f_share)
    base_foreign = _binom(rng, pop_total, f_share * 1.025**t)
    ukraine = np.minimum(np.round(ukraine), pop_total - base_foreign)
    pop_foreign = base_foreign + ukraine
    tcn_settled = _binom(rng, base_foreign, tcn_frac)  # third-country nationals before 2022
    pop_tcn = tcn_settled + ukraine
    pop_german = pop_total - pop_foreign
    mig_share_german = np.clip(f_share * rng.normal(1.0, 0.12, n_u) / (1 - f_share), 0, 0.6)
    pop_mig = pop_foreign + _binom(rng, pop_german, mig_share_german)
    mig_share = pop_mig / np.maximum(pop_total, 1)

    pop_u18 = _binom(rng, pop_total, 0.17)
    pop_u18_mig = np.minimum(_binom(rng, pop_u18, np.clip(mig_share * 1.5, 0, 0.9)), pop_mig)
    pop_adult = pop_total - pop_u18
    adult_tcn = np.minimum(_binom(rng, pop_tcn, 0.8), pop_adult)
    electorate_local = pop_adult - adult_tcn

    p1564_f = _binom(rng, pop_foreign, 0.72)
    p1564_g = _binom(rng, pop_german, 0.63)
    pop_u65_foreign = p1564_f + _binom(rng, pop_foreign - p1564_f, 0.75)
    pop_u65_german = p1564_g + _binom(rng, pop_german - p1564_g, 0.42)
    p1564_f_f = _binom(rng, p1564_f, 0.47)
    p1564_g_f = _binom(rng, p1564_g, 0.5)
    pop_18_20_foreign = _binom(rng, pop_foreign, 0.04)
    pop_18_20_german = _binom(rng, pop_german, 0.03)

    out: dict[str, np.ndarray] = {
        "pop_total": pop_total,
        "pop_mig": pop_mig,
        "pop_foreign": pop_foreign,
        "pop_tcn": pop_tcn,
        "pop_u18": pop_u18,
        "pop_u18_mig": pop_u18_mig,
        "pop_adult": pop_adult,
        "electorate_local": electorate_local,
        "pop_15_64_foreign": p1564_f,
        "pop_15_64_german": p1564_g,
        "pop_15_64_foreign_f": p1564_f_f,
        "pop_15_64_german_f": p1564_g_f,
        "pop_u65_foreign": pop_u65_foreign,
        "pop_u65_german": pop_u65_german,
        "pop_18_20_foreign": pop_18_20_foreign,
        "pop_18_20_german": pop_18_20_german,
    }
    progress = q * 0.04 + trend * t  # gap closing: better units and later years

    # ---- work and income ----------------------------------------------------------------
    emp_foreign_f = _binom(rng, p1564_f_f, 0.40 + progress)
    out["emp_foreign_f"] = emp_foreign_f
    out["emp_foreign"] = emp_foreign_f + _binom(rng, p1564_f - p1564_f_f, 0.58 + progress)
    emp_german_f = _binom(rng, p1564_g_f, 0.63)
    out["emp_german_f"] = emp_german_f
    out["emp_german"] = emp_german_f + _binom(rng, p1564_g - p1564_g_f, 0.69)
    out["unemp_foreign"] = _binom(rng, p1564_f, 0.075 - progress / 4)
    out["unemp_german"] = _binom(rng, p1564_g, 0.033)
    refugee_shift = np.where(yr >= 2022, 0.05, 0.0)  # Ukrainians moved into SGB II in June 2022
    out["sgb2_foreign"] = _binom(rng, pop_u65_foreign, 0.17 + refugee_shift - progress / 2)
    out["sgb2_german"] = _binom(rng, pop_u65_german, 0.05)
    out["recognition_decided"] = _binom(rng, pop_foreign, 0.003)
    out["recognition_full"] = _binom(rng, out["recognition_decided"], 0.6 + progress)

    # ---- education ----------------------------------------------------------------------
    child_mig = np.clip(mig_share * 1.6, 0, 0.9)
    for group, age_share, rate_nonmig, gap in (
        ("u3", 3 / 18, 0.36, 0.17),
        ("3to6", 3 / 18, 0.94, 0.10),
    ):
        children = _binom(rng, pop_u18, age_share)
        mig = _binom(rng, children, child_mig)
        out[f"children_{group}_mig"] = mig
        out[f"children_{group}_nonmig"] = children - mig
        out[f"kita_{group}_mig"] = _binom(rng, mig, rate_nonmig - gap + progress)
        out[f"kita_{group}_nonmig"] = _binom(rng, children - mig, rate_nonmig)
    out["leavers_foreign"] = _binom(rng, pop_foreign, 0.008)
    out["leavers_german"] = _binom(rng, pop_german, 0.0095)
    out["leavers_foreign_nohsa"] = _binom(rng, out["leavers_foreign"], 0.13 - progress / 2)
    out["leavers_german_nohsa"] = _binom(rng, out["leavers_german"], 0.05)
    out["grade8_foreign"] = _binom(rng, pop_foreign, 0.009)
    out["grade8_german"] = _binom(rng, pop_german, 0.0095)
    out["grade8_foreign_gym"] = _binom(rng, out["grade8_foreign"], 0.2 + progress)
    out["grade8_german_gym"] = _binom(rng, out["grade8_german"], 0.4)
    out["apprentices_foreign"] = _binom(rng, pop_18_20_foreign, 0.22 + progress)
    out["apprentices_german"] = _binom(rng, pop_18_20_german, 0.42)
    out["dtz_takers"] = _binom(rng, pop_tcn, np.where(yr >= 2023, 0.02, 0.012))
    out["dtz_b1"] = _binom(rng, out["dtz_takers"], 0.52 + progress)

    # ---- citizenship and legal status ----------------------------------------------------
    tcn_res_8y = _binom(rng, tcn_settled, 0.5)
    reform = np.where(yr >= 2024, 1.5, 1.0)  # nationality reform of 27 June 2024
    start = _previous(rng, tcn_res_8y, 0.97)
    foreign_start = _previous(rng, pop_foreign, 0.97)
    tcn_start = np.minimum(_previous(rng, pop_tcn, 0.97), foreign_start)
    start = np.minimum(start, tcn_start)
    out["tcn_res_8y_start"] = start
    out["pop_foreign_start"] = foreign_start
    nat_tcn = _binom(rng, start, (0.025 + 0.006 * q) * reform)
    out["naturalisations_tcn"] = nat_tcn
    out["naturalisations"] = nat_tcn + _binom(rng, foreign_start - tcn_start, 0.008 * reform)
    permanent = _binom(rng, tcn_settled, 0.42 + progress)
    out["tcn_permanent"] = permanent
    out["tcn_precarious"] = _binom(rng, tcn_settled - permanent, 0.12)

    # ---- participation -------------------------------------------------------------------
    # Councils are elected every five years; seats and their holders stay for the term.
    period = np.searchsorted(np.array(ELECTION_YEARS), years_all, side="right") - 1
    n_terms = int(period.max()) + 1
    term_pop = pop0[None, :] * np.ones((n_terms, 1))
    term_mig = np.clip(f_share[0] * 2.0, 0, 0.6)[None, :] * np.ones((n_terms, 1))
    seats_by_term = council_seats_bw(term_pop)
    mig_by_term = _binom(rng, seats_by_term, term_mig * np.clip(0.25 + 0.12 * q, 0.02, 1))
    committee_by_term = np.round(seats_by_term * rng.uniform(1.3, 2.0, (n_terms, n_u)))
    committee_mig_by_term = _binom(
        rng, committee_by_term, term_mig * np.clip(0.35 + 0.12 * q, 0.02, 1)
    )
    out["council_seats"] = seats_by_term[period].astype(np.float64)
    out["council_seats_mig"] = mig_by_term[period]
    out["committee_seats"] = committee_by_term[period]
    out["committee_seats_mig"] = committee_mig_by_term[period]
    board_seats = np.round(6 + pop_total / 1500)
    out["board_seats"] = board_seats
    tcn_share = pop_tcn / np.maximum(pop_total, 1)
    out["board_seats_tcn"] = _binom(rng, board_seats, tcn_share * np.clip(0.2 + 0.1 * q, 0, 1))

    council_likely = np.clip((pop_foreign[0] - 600) / 4000 + 0.15 * q[0], 0, 1)
    planned, in_place = _adoption(rng, council_likely, n_u)
    in_place = np.where(pop_foreign[0] >= 5000, np.minimum(in_place, 2010), in_place)
    status = _status(years_all, np.minimum(planned, in_place), in_place)
    out["advisory_council_status"] = status
    electorate_by_term = np.round(pop_foreign[0] * 0.85)[None, :] * np.ones((n_terms, 1))
    turnout = np.clip(0.09 + 0.025 * q[0] + rng.normal(0, 0.02, (n_terms, n_u)), 0.02, 0.4)
    votes_by_term = _binom(rng, electorate_by_term, turnout)
    elected = status == 2
    out["advisory_votes"] = np.where(elected, votes_by_term[period], np.nan)
    out["advisory_electorate"] = np.where(elected, electorate_by_term[period], np.nan)

    orgs = _poisson(rng, pop_foreign * 0.0012 * np.exp(0.2 * q))
    out["migrant_orgs"] = orgs
    out["migrant_orgs_networked"] = _binom(rng, orgs, 0.35 + 0.1 * q + 0.03 * t)
    members = _poisson(rng, pop_total / 70) + 5
    out["assoc_board_members"] = members
    out["assoc_board_members_mig"] = _binom(rng, members, mig_share * np.clip(0.3 + 0.1 * q, 0, 1))
    volunteers = _poisson(rng, pop_total * 0.01) + 2
    out["volunteers_total"] = volunteers
    out["volunteers_mig"] = _binom(rng, volunteers, mig_share * np.clip(0.55 + 0.15 * q, 0, 1))
    reps = _poisson(rng, pop_u18 / 40) + 3
    out["parent_reps"] = reps
    u18_mig_share = pop_u18_mig / np.maximum(pop_u18, 1)
    out["parent_reps_mig"] = _binom(
        rng, reps, u18_mig_share * np.clip(0.35 + 0.12 * q + 0.02 * t, 0, 1)
    )
    programme = engaged & (yr >= 2019 + rng.integers(0, 5, n_u)[None, :])
    out["mentors"] = np.where(programme, _poisson(rng, pop_tcn * 0.005 * np.exp(0.3 * q)), 0.0)
    out["training_participants"] = np.where(
        programme, _poisson(rng, pop_tcn * 0.008 * np.exp(0.3 * q)), 0.0
    )

    # ---- administration ------------------------------------------------------------------
    likely = np.clip(0.35 * (size[0] - 3.2) + 0.2 * q[0] + 0.15, 0, 1)
    for variable, bonus in (
        ("integration_concept_status", 0.0),
        ("integration_officer_status", 0.1),
        ("integration_monitoring_status", -0.2),
        ("welcome_service_status", 0.0),
        ("interpreter_pool_status", -0.1),
    ):
        out[variable] = _status(years_all, *_adoption(rng, np.clip(likely + bonus, 0, 1), n_u))
    staff = np.round(8 + pop_total * 0.006)
    out["staff_total"] = staff
    out["staff_mig"] = _binom(rng, staff, mig_share * np.clip(0.4 + 0.12 * q, 0, 1))
    officer = out["integration_officer_status"]
    out["network_meetings"] = _poisson(rng, 0.5 + 1.6 * officer + 0.4 * q)
    out["multiplier_events"] = _poisson(rng, 0.1 + 0.6 * officer * (size - 2.8) / 2)

    # ---- social life and housing ---------------------------------------------------------
    districts = pop_total >= 10000
    seg = np.clip(22 + 9 * (size - 4) - 3 * q + rng.normal(0, 3, (n_t, n_u)) - 0.3 * t, 5, 75)
    out["segregation_index"] = np.where(districts, np.round(seg, 1), np.nan)
    persons_f = _binom(rng, pop_foreign, 0.9)
    out["persons_foreign_hh"] = persons_f
    out["persons_german_hh"] = pop_total - persons_f
    space = rng.normal(47, 3, n_u)[None, :]
    out["living_space_german_hh"] = np.round((pop_total - persons_f) * space)
    out["living_space_foreign_hh"] = np.round(
        persons_f * space * np.clip(0.68 + 0.04 * q + rng.normal(0, 0.03, (n_t, n_u)), 0.3, 1.2)
    )
    out["encounter_places"] = _poisson(rng, pop_total / 7000 * np.exp(0.3 * q))
    out["encounter_events"] = _poisson(rng, pop_total / 1500 * np.exp(0.3 * q))
    out["integration_guides"] = _poisson(rng, pop_foreign * 0.004 * np.exp(0.3 * q))

    return out


def generate_large(
    n_units: int = 10_000,
    n_years: int = 1,
    seed: int = 0,
    last_year: int = 2024,
    output: Literal["dataset", "frames"] = "dataset",
) -> Any:
    """A synthetic set of ``n_units`` municipalities over ``n_years`` years ending in
    ``last_year``, with every variable of the default framework.

    ``output="dataset"`` returns a :class:`mint_index.Dataset` (built straight from the
    cube, no long-format detour); ``"frames"`` returns ``(wide, units)``: one row per unit
    and year, and the units table (``unit``, ``name``, ``population``).
    """
    rng = np.random.default_rng(seed)
    years = list(range(last_year - n_years + 1, last_year + 1))
    pop0 = synthetic_populations(n_units, rng)
    sim = simulate(pop0, years, rng)
    unit_ids = np.char.zfill(np.arange(1, n_units + 1).astype(str), 8)
    variables = sorted(sim)
    units = pd.DataFrame(
        {
            "unit": unit_ids.astype(object),
            "name": np.char.add("Synthetic municipality ", unit_ids).astype(object),
            "population": sim["pop_total"][-1],
        }
    )
    if output == "frames":
        wide = pd.DataFrame(
            {
                "unit": np.tile(unit_ids, len(years)).astype(object),
                "year": np.repeat(np.asarray(years, dtype=np.int64), n_units),
                **{v: sim[v].ravel() for v in variables},
            }
        )
        return wide, units
    from mint_index.data.dataset import Dataset

    cube = np.stack([sim[v] for v in variables], axis=-1)
    return Dataset(cube, years, unit_ids.astype(object), variables, units=units)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=10_000)
    parser.add_argument("--years", type=int, default=1)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--last-year", type=int, default=2024)
    parser.add_argument(
        "--out",
        type=Path,
        required=True,
        help="wide CSV (.csv or .csv.gz) or Parquet (.parquet); "
        "the units table goes next to it as <name>.units.csv",
    )
    args = parser.parse_args(argv)
    wide, units = generate_large(args.units, args.years, args.seed, args.last_year, output="frames")
    if args.out.suffix == ".parquet":
        wide.to_parquet(args.out, index=False)
    else:
        wide.to_csv(args.out, index=False)
    stem = args.out.name.split(".")[0]
    units.to_csv(args.out.with_name(f"{stem}.units.csv"), index=False)
    print(f"wrote {len(wide):,} rows x {wide.shape[1] - 2} variables to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
