"""Screen: drop units in a year whose data availability is too low (COINr's ``Screen``).

Screening looks at the data *before* imputation, as the JRC guide orders the steps: a
municipality with most values missing should not get a score made of imputed numbers.
"""

from __future__ import annotations

import numpy as np
from pydantic import Field

from mint_index.methods.registry import NoParams, StepParams, register
from mint_index.rules.coverage import indicator_coverage

__all__ = ["AvailabilityParams"]


class AvailabilityParams(StepParams):
    """``min_coverage``: least share of indicators present (COINr ``dat_thresh``, default 2/3);
    ``min_nonzero``: optionally also the least share of non-zero values among those present
    (COINr ``nonzero_thresh``, screening "byNAandzeros")."""

    min_coverage: float = Field(default=2 / 3, ge=0.0, le=1.0)
    min_nonzero: float | None = Field(default=None, ge=0.0, le=1.0)


@register("screen", "none")
def none(x: np.ndarray, params: NoParams) -> np.ndarray:
    """Keep every unit."""
    return np.ones(x.shape[:2], dtype=bool)


@register("screen", "availability", AvailabilityParams)
def availability(x: np.ndarray, params: AvailabilityParams) -> np.ndarray:
    """Keep a unit in a year when its share of indicators present is at least ``min_coverage``."""
    keep = indicator_coverage(x) >= params.min_coverage
    if params.min_nonzero is not None:
        zeros = (x == 0).sum(axis=2)
        present = (~np.isnan(x)).sum(axis=2)
        with np.errstate(invalid="ignore", divide="ignore"):
            nonzero = np.where(present > 0, 1.0 - zeros / np.maximum(present, 1), 0.0)
        keep &= nonzero >= params.min_nonzero
    return keep
