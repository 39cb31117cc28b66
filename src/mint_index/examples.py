"""The packaged example data: a SYNTHETIC district for trying the library out.

"Landkreis Auenthal" and its municipalities are invented (district key 08999 does not
exist). The data imitate a real yearly drop for 2019-2024, including suppressed cells,
a merger, a survey year that is missing and the 2022 census break; examples/README.md in
the repository describes them and examples/generate_example.py made them.
"""

from __future__ import annotations

import pandas as pd

from mint_index.data.dataset import Dataset
from mint_index.resources import catalog_path

__all__ = ["EXAMPLE_DATA_FILE", "EXAMPLE_UNITS_FILE", "example_data"]

EXAMPLE_DATA_FILE = "mint_example.csv"
EXAMPLE_UNITS_FILE = "units.csv"


def example_data() -> Dataset:
    """The synthetic example district as a :class:`~mint_index.Dataset`.

    49 municipality keys (48 until the 2021 merger, 47 after), 2019-2024, every variable
    of the default framework; works after ``pip install`` because the files ship with the
    package.
    """
    folder = catalog_path("examples")
    text = {"unit": str, "variable": str, "missing_reason": str, "flag": str}
    long = pd.read_csv(
        folder / EXAMPLE_DATA_FILE, dtype=text, keep_default_na=False, na_values={"value": [""]}
    )
    for column in ("missing_reason", "flag"):
        long[column] = long[column].where(long[column] != "", None)
    units = pd.read_csv(
        folder / EXAMPLE_UNITS_FILE,
        dtype={
            "unit": str,
            "district": str,
            "name": str,
            "valid_from": "Int64",
            "valid_to": "Int64",
        },
    )
    source = (folder / EXAMPLE_DATA_FILE).as_posix()
    return Dataset.from_long(long, units=units, source=source)
