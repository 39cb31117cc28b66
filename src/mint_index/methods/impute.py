"""Impute: fill missing values, flagged by the engine."""

from __future__ import annotations

import numpy as np

from mint_index.methods.base import ImputeContext
from mint_index.methods.registry import NoParams, register


@register("impute", "none")
def none(x: np.ndarray, params: NoParams, ctx: ImputeContext) -> np.ndarray:
    """Leave missing values missing."""
    return x.copy()
