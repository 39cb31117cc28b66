"""Denominate: divide indicators by a size variable (COINr's ``Denominate``)."""

from __future__ import annotations

import numpy as np

from mint_index.methods.registry import NoParams, register


@register("denominate", "none")
def none(x: np.ndarray, denominators: np.ndarray, params: NoParams) -> np.ndarray:
    """Leave values as they are."""
    return x.copy()
