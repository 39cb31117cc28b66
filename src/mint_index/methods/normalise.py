"""Normalise: bring indicators onto a common scale, direction applied."""

from __future__ import annotations

import numpy as np

from mint_index.methods.base import NormaliseContext, NormaliseParams
from mint_index.methods.registry import register


@register("normalise", "none", NormaliseParams)
def none(x: np.ndarray, params: NormaliseParams, ctx: NormaliseContext) -> np.ndarray:
    """Leave values as they are (direction is not applied)."""
    return x.copy()
