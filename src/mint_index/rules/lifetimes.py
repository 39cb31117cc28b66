"""When a unit exists: the ``valid_from`` and ``valid_to`` years of the units table.

Municipalities merge, dissolve and are created (Gebietsreformen); the units table says
from which year (``valid_from``) and up to which year (``valid_to``) each one exists,
either end open when empty. The data check (a unit the table lists in a year of the
data but no source gives data for) and the reports (who is ranked, who is listed as
merged, dissolved or not yet created) read these years here.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

__all__ = ["exists_in", "lifetime_years"]


def lifetime_years(units: pd.DataFrame, column: str) -> np.ndarray:
    """A ``valid_from``/``valid_to`` column as floats (NaN: open-ended or absent)."""
    if column not in units.columns:
        return np.full(len(units), np.nan)
    return pd.to_numeric(units[column], errors="coerce").to_numpy(dtype=float)


def exists_in(units: pd.DataFrame, years: int | Sequence[int]) -> np.ndarray:
    """Per unit (and per year of ``years``, given several): does it exist then
    (``valid_from`` <= year <= ``valid_to``)? One year gives ``[unit]``, several
    ``[unit, year]``."""
    start = lifetime_years(units, "valid_from")
    end = lifetime_years(units, "valid_to")
    if isinstance(years, (int, np.integer)):
        return ~(start > years) & ~(end < years)
    ys = np.asarray(years, dtype=float)[None, :]
    return ~(start[:, None] > ys) & ~(end[:, None] < ys)
