"""The packaged example data: a SYNTHETIC district for trying the library out.

"Landkreis Auenthal" and its municipalities are invented (district key 08999 does not
exist). The data imitate a real yearly drop for 2019-2024, including suppressed cells,
a merger, a survey year that is missing and the 2022 census break; examples/README.md in
the repository describes them and examples/generate_example.py made them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from mint_index.data.dataset import Dataset
from mint_index.data.load import load_data, load_units
from mint_index.measures import MeasuresRegister, load_measures
from mint_index.resources import catalog_path

if TYPE_CHECKING:
    from mint_index.framework.framework import Framework

__all__ = [
    "EXAMPLE_DATA_FILE",
    "EXAMPLE_MEASURES_FILE",
    "EXAMPLE_UNITS_FILE",
    "STARTER_UNITS",
    "example_data",
    "example_measures",
    "starter_data",
]

EXAMPLE_DATA_FILE = "mint_example.csv"
EXAMPLE_UNITS_FILE = "units.csv"
EXAMPLE_MEASURES_FILE = "measures.csv"
#: Towns of the example district in a new project's example data (``mint-index init``).
STARTER_UNITS = 4


def example_data() -> Dataset:
    """The synthetic example district as a :class:`~mint_index.Dataset`.

    49 municipality keys (48 until the 2021 merger, 47 after), 2019-2024, every variable
    of the default framework; works after ``pip install`` because the files ship with the
    package.
    """
    folder = catalog_path("examples")
    return load_data(folder / EXAMPLE_DATA_FILE, units=folder / EXAMPLE_UNITS_FILE)


def example_measures() -> MeasuresRegister:
    """The example district's measures register (which municipality has had which measure
    since when), with one planted effect for :func:`mint_index.effects` to find: eleven
    villages running the VOPI barrier analysis from 2022 or 2023 (examples/README.md)."""
    folder = catalog_path("examples")
    units = load_units(folder / EXAMPLE_UNITS_FILE).index
    return load_measures(folder / EXAMPLE_MEASURES_FILE, units=units)


def starter_data(
    framework: Framework, n_units: int = STARTER_UNITS
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The example data and units of a new project (``mint-index init``): the example
    district's ``n_units`` towns with the most variables (the most populous on a tie), in
    its latest year, each variable at its latest observed value, as the framework carries
    an election result forward to the next election, so ``validate --strict`` passes
    before the town adds its own data.

    A variable whose latest value is a zero that ``framework`` divides by is left out (it
    would leave its indicator undefined). Returns the cells (the example file's columns,
    sorted by unit and variable) and the towns' rows of the units table, sorted by unit.
    """
    folder = catalog_path("examples")
    units = pd.read_csv(folder / EXAMPLE_UNITS_FILE, dtype={"unit": str, "district": str})
    cells = pd.read_csv(folder / EXAMPLE_DATA_FILE, dtype={"unit": str})
    observed = cells.dropna(subset=["value"])
    denominators = {den for ind in framework.indicators for _, den in ind.fractions()}
    latest = observed.sort_values("year").groupby(["unit", "variable"]).tail(1)
    undefined = latest["variable"].isin(denominators) & (latest["value"] == 0)
    latest = latest[~undefined]
    breadth = latest.groupby("unit")["variable"].nunique().rename("breadth")
    ranked = units.join(breadth, on="unit").sort_values(
        ["breadth", "population"], ascending=False, kind="stable"
    )
    chosen = ranked.head(n_units).drop(columns="breadth").sort_values("unit")
    drop = latest[latest["unit"].isin(chosen["unit"])].assign(year=cells["year"].max())
    return drop.sort_values(["unit", "variable"]), chosen
