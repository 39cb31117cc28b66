"""The packaged example data: a SYNTHETIC district for trying the library out.

"Landkreis Auenthal" and its municipalities are invented (district key 08999 does not
exist). The data imitate a real yearly drop for 2019-2024, including suppressed cells,
a merger, a survey year that is missing and the 2022 census break; examples/README.md in
the repository describes them and examples/generate_example.py made them.
"""

from __future__ import annotations

from mint_index.data.dataset import Dataset
from mint_index.data.load import load_data, load_units
from mint_index.measures import MeasuresRegister, load_measures
from mint_index.resources import catalog_path

__all__ = [
    "EXAMPLE_DATA_FILE",
    "EXAMPLE_MEASURES_FILE",
    "EXAMPLE_UNITS_FILE",
    "example_data",
    "example_measures",
]

EXAMPLE_DATA_FILE = "mint_example.csv"
EXAMPLE_UNITS_FILE = "units.csv"
EXAMPLE_MEASURES_FILE = "measures.csv"


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
