"""Treat: outlier treatment (JRC/COINr winsorisation with a log fallback)."""

from __future__ import annotations

import numpy as np

from mint_index.methods.base import TreatContext, TreatResult
from mint_index.methods.registry import NoParams, register


@register("treat", "none")
def none(x: np.ndarray, params: NoParams, ctx: TreatContext) -> TreatResult:
    """No treatment."""
    n_y, _, n_i = x.shape
    nan = np.full((n_y, n_i), np.nan)
    return TreatResult(x.copy(), np.zeros(x.shape, bool), np.zeros((n_y, n_i), int),
                       np.zeros((n_y, n_i), bool), nan, nan, nan, nan)
