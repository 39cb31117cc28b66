"""Aggregate: combine children into their parent node."""

from __future__ import annotations

import numpy as np

from mint_index.methods.base import AggregateParams
from mint_index.methods.registry import register


@register("aggregate", "arithmetic", AggregateParams)
def arithmetic(x: np.ndarray, weights: np.ndarray, params: AggregateParams) -> np.ndarray:
    """Weighted arithmetic mean over the children present."""
    present = ~np.isnan(x)
    w = np.where(present, weights, 0.0)
    total = w.sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, np.nansum(x * w, axis=-1) / total, np.nan)
