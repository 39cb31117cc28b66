"""Denominate: divide indicators by a size variable (COINr's ``Denominate``).

The engine passes only the indicators that name a ``denominator``, with that variable's
values in the same shape, so GDP becomes GDP per capita, counts become rates.
"""

from __future__ import annotations

import numpy as np
from pydantic import Field

from mint_index.methods.registry import NoParams, StepParams, register

__all__ = ["DenominatorParams"]


class DenominatorParams(StepParams):
    """``scale``: multiply the ratio, e.g. 1000 for "per 1,000 inhabitants" (COINr ScaleFactor)."""

    scale: float = Field(default=1.0, gt=0)


@register("denominate", "none")
def none(x: np.ndarray, denominators: np.ndarray, params: NoParams) -> np.ndarray:
    """Leave values as they are."""
    return x.copy()


@register("denominate", "denominator", DenominatorParams)
def denominator(x: np.ndarray, denominators: np.ndarray, params: DenominatorParams) -> np.ndarray:
    """Divide by the indicator's denominator variable, times ``scale``.

    A zero or missing denominator gives a missing value (COINr would give Inf / NA).
    """
    d = np.asarray(denominators, dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(d != 0, x / np.where(d != 0, d, 1.0) * params.scale, np.nan)
