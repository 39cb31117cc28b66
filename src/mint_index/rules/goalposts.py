"""Goalposts: how an indicator's value maps onto the score scale by its absolute bounds.

With goalposts ``lower < upper``, the share of the way from the worst to the best
goalpost is ``(x - lower) / (upper - lower)`` when higher is better and
``(upper - x) / (upper - lower)`` when lower is better (COINr ``n_goalposts``), clipped
to [0, 1] unless told otherwise; the score is that share times the scale. An indicator's
value to reach is its target, else its best goalpost. The goalposts normalisation and the
target scores of the gap analysis both map values through :func:`goalpost_share`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from mint_index.framework.model import Indicator

__all__ = ["goalpost_bounds", "goalpost_share", "target_value"]


def goalpost_bounds(indicators: Sequence[Indicator]) -> np.ndarray:
    """``[indicator, 2]``: lower and upper goalpost of each indicator, NaN where none, on
    the scale of the indicator's computed value (goalposts are written on the raw scale and
    transformed with the values, ``compute.transform``)."""
    from mint_index.pipeline.derive import on_indicator_scale

    out = np.full((len(indicators), 2), np.nan)
    for i, ind in enumerate(indicators):
        if ind.goalposts is not None:
            out[i] = on_indicator_scale(ind, np.array([ind.goalposts.lower, ind.goalposts.upper]))
    return out


def goalpost_share(
    x: np.ndarray | float,
    lower: np.ndarray | float,
    upper: np.ndarray | float,
    higher: np.ndarray | bool,
    clip: bool = True,
) -> np.ndarray:
    """Share of the way from the worst to the best goalpost (broadcasting)."""
    y = np.where(higher, np.subtract(x, lower), np.subtract(upper, x)) / np.subtract(upper, lower)
    return np.clip(y, 0.0, 1.0) if clip else y


def target_value(ind: Indicator) -> float | None:
    """The value ``ind`` should reach: its target, else its best goalpost, else ``None``."""
    if ind.target is not None:
        return ind.target.value
    if ind.goalposts is not None:
        return ind.goalposts.upper if ind.direction == "higher" else ind.goalposts.lower
    return None
