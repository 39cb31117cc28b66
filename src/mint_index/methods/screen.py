"""Screen: drop units in a year whose data availability is too low."""

from __future__ import annotations

import numpy as np

from mint_index.methods.registry import NoParams, register


@register("screen", "none")
def none(x: np.ndarray, params: NoParams) -> np.ndarray:
    """Keep every unit."""
    return np.ones(x.shape[:2], dtype=bool)
