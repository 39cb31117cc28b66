"""Normalise: bring indicators onto a common scale, direction applied.

Every method follows COINr's convention for direction: values are multiplied by the
indicator's direction (+1 or -1) first and then normalised, so that a high score is always
good. Parameters (minimum, maximum, mean, ...) are fitted as ``fit`` says (see
:class:`~mint_index.methods.base.NormaliseContext`): pooled over all years, per year, or on
one reference year and applied to every year.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

import numpy as np
from pydantic import model_validator

from mint_index.errors import SpecError
from mint_index.methods.base import FitMode, NormaliseContext, NormaliseParams
from mint_index.methods.registry import register

__all__ = ["GoalpostsParams", "MinMaxParams"]


class MinMaxParams(NormaliseParams):
    """``range``: the interval ``[lo, hi]`` the worst and best fitted values map to."""

    range: tuple[float, float] = (0.0, 100.0)

    @model_validator(mode="after")
    def _ordered(self) -> MinMaxParams:
        if not self.range[0] < self.range[1]:
            raise ValueError(f"range must be [lo, hi] with lo < hi, got {list(self.range)}")
        return self


class GoalpostsParams(NormaliseParams):
    """``scale``: score of the best goalpost (the worst scores 0); ``clip``: truncate to them."""

    scale: float = 100.0
    clip: bool = True


def _fitted(
    x: np.ndarray, fit: FitMode, ctx: NormaliseContext, func: Callable[..., np.ndarray]
) -> np.ndarray:
    """``ctx.reduce`` without numpy's warnings about indicators with no values at all."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return ctx.reduce(x, fit, func)


def _directed(x: np.ndarray, ctx: NormaliseContext) -> np.ndarray:
    """Values times the indicator's direction, so that higher is always better."""
    return x * ctx.direction


@register("normalise", "none", NormaliseParams)
def none(x: np.ndarray, params: NormaliseParams, ctx: NormaliseContext) -> np.ndarray:
    """Leave values as they are (direction is not applied)."""
    return x.copy()


@register("normalise", "minmax", MinMaxParams)
def minmax(x: np.ndarray, params: MinMaxParams, ctx: NormaliseContext) -> np.ndarray:
    """Min-max scaling onto ``range``: (x - min) / (max - min) * (hi - lo) + lo (COINr n_minmax).

    An indicator whose fitted range is zero gives NaN, as in COINr.
    """
    xd = _directed(x, ctx)
    lo, hi = params.range
    x_min = _fitted(xd, params.fit, ctx, np.nanmin)
    x_max = _fitted(xd, params.fit, ctx, np.nanmax)
    with np.errstate(invalid="ignore", divide="ignore"):
        span = np.where(x_max > x_min, x_max - x_min, np.nan)
        return (xd - x_min) / span * (hi - lo) + lo


@register("normalise", "goalposts", GoalpostsParams)
def goalposts(x: np.ndarray, params: GoalpostsParams, ctx: NormaliseContext) -> np.ndarray:
    """Distance from the worst to the best goalpost, clipped, times ``scale`` (COINr n_goalposts).

    Higher is better: (x - lower) / (upper - lower); lower is better: (upper - x) /
    (upper - lower). A unit's score depends on its own value only.
    """
    lower, upper = ctx.goalposts[:, 0], ctx.goalposts[:, 1]
    missing = np.isnan(lower) | np.isnan(upper)
    if missing.any():
        names = [
            ctx.indicator_ids[i] if i < len(ctx.indicator_ids) else f"#{i}"
            for i in np.flatnonzero(missing)
        ]
        raise SpecError(
            "normalise method 'goalposts' needs goalposts (lower, upper) for every indicator; "
            f"missing for: {', '.join(names)}"
        )
    higher = ctx.direction > 0
    y = np.where(higher, x - lower, upper - x) / (upper - lower)
    if params.clip:
        y = np.clip(y, 0.0, 1.0)
    return y * params.scale
