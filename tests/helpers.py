"""Data builders shared by several test modules (tests/ is on sys.path under pytest)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

import mint_index as mi

#: The project's seed documents (../shared/seeds, beside the checkout, not shipped), one per
#: programme page: tests that quote the programmes check their words there when present.
SEEDS_DIR = Path(__file__).resolve().parents[2] / "shared" / "seeds"
SEED_FILES = {
    "000_d470b00f37354fd8.txt": "MIT",
    "001_3e6991070f921a31.txt": "MIT",
    "002_697b4d69d1840fa9.txt": "M³",
    "003_82e5364244d2278a.txt": "VOPI",
    "004_fa7971c945fee4a2.txt": "MINT",
}

#: Raw values for one unit of the small test framework (tests/fixtures/framework_small).
SMALL_BASE = {
    "pop": 10_000.0,
    "pop_foreign": 1_500.0,
    "council_seats": 30.0,
    "council_migrant": 6.0,
    "kita_mig": 30.0,
    "children_mig": 50.0,
    "kita_nonmig": 160.0,
    "children_nonmig": 200.0,
    "advisory_council": 1.0,
    "employment_rate": 50.0,
}


def small_dataset(units: dict[str, dict[str, float]], year: int = 2024) -> mi.Dataset:
    """One year of the small framework's variables; each unit overrides SMALL_BASE."""
    rows = [
        {"unit": unit, "year": year, "variable": k, "value": v}
        for unit, values in units.items()
        for k, v in {**SMALL_BASE, **values}.items()
    ]
    return mi.Dataset.from_long(pd.DataFrame(rows))


def make_small_long(
    seed: int = 0, units: int = 6, years: tuple[int, ...] = (2022, 2023)
) -> pd.DataFrame:
    """Tidy raw data for the small framework: consistent counts, random but seeded."""
    rng = np.random.default_rng(seed)
    rows = []
    for u in range(units):
        unit = f"0{1001 + u}000"
        for year in years:
            values = {
                **SMALL_BASE,
                "council_migrant": float(rng.integers(0, 10)),
                "kita_mig": float(rng.integers(10, 40)),
                "kita_nonmig": float(rng.integers(100, 190)),
                "advisory_council": float(rng.integers(0, 3)),
                "employment_rate": float(rng.uniform(35, 75)),
            }
            rows += [
                {"unit": unit, "year": year, "variable": k, "value": v} for k, v in values.items()
            ]
    return pd.DataFrame(rows)


def value(ds: mi.Dataset, unit: str, year: int, variable: str) -> float:
    """The one figure of ``ds`` for a unit, year and variable (fails unless there is
    exactly one)."""
    long = ds.long
    hit = long[(long["unit"] == unit) & (long["year"] == year) & (long["variable"] == variable)]
    assert len(hit) == 1, (unit, year, variable, sorted(ds.variables)[:10])
    return float(hit["value"].iloc[0])
