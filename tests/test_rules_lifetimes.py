"""When a unit exists, from the units table's valid_from and valid_to years."""

from __future__ import annotations

import numpy as np
import pandas as pd

from mint_index.rules.lifetimes import exists_in, lifetime_years


def test_a_unit_exists_from_valid_from_to_valid_to_either_end_open() -> None:
    units = pd.DataFrame(
        {"valid_from": [None, 2021, None, "2020"], "valid_to": [None, None, 2019, "2022"]}
    )
    # read by hand: always; from 2021; up to 2019; 2020 to 2022 (years written as text)
    assert exists_in(units, 2019).tolist() == [True, False, True, False]
    assert exists_in(units, 2021).tolist() == [True, True, False, True]
    np.testing.assert_array_equal(
        exists_in(units, [2019, 2023]),
        [[True, True], [False, True], [True, False], [False, False]],
    )


def test_a_table_without_the_columns_has_units_that_always_exist() -> None:
    units = pd.DataFrame({"name": ["a", "b"]})
    assert np.isnan(lifetime_years(units, "valid_to")).all()
    assert exists_in(units, [1990, 2030]).all()
