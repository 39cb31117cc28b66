"""Normalise: bring indicators onto a common scale, direction applied.

Every method follows COINr's convention for direction: values are multiplied by the
indicator's direction (+1 or -1) first and then normalised, so that a high score is always
good. Parameters (minimum, maximum, mean, ranks, ...) are fitted as ``fit`` says (see
:class:`~mint_index.methods.base.NormaliseContext`): pooled over all years, per year, or on
one reference year and applied to every year, so that on a panel a change in score is a
change in the unit, not in its neighbours.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from functools import partial
from typing import Any, Literal

import numpy as np
from pydantic import Field, model_validator

from mint_index.errors import SpecError
from mint_index.methods.base import FitMode, NormaliseContext, NormaliseParams
from mint_index.methods.registry import register
from mint_index.rules.goalposts import goalpost_share

__all__ = [
    "DistRefParams",
    "DistTargParams",
    "FracMaxParams",
    "GoalpostsParams",
    "MinMaxParams",
    "PRankParams",
    "ZScoreParams",
]


class MinMaxParams(NormaliseParams):
    """``range``: the interval ``[lo, hi]`` the worst and best fitted values map to."""

    range: tuple[float, float] = (0.0, 100.0)

    @model_validator(mode="after")
    def _ordered(self) -> MinMaxParams:
        if not self.range[0] < self.range[1]:
            raise ValueError(f"range must be [lo, hi] with lo < hi, got {list(self.range)}")
        return self


class ZScoreParams(NormaliseParams):
    """``mean`` and ``sd``: the mean and standard deviation the scores get."""

    mean: float = 0.0
    sd: float = Field(default=1.0, gt=0)


class GoalpostsParams(NormaliseParams):
    """``scale``: score of the best goalpost (the worst scores 0); ``clip``: truncate to them."""

    scale: float = 100.0
    clip: bool = True


class PRankParams(NormaliseParams):
    """``scale``: score of the best value (COINr's n_prank is ``scale: 1``)."""

    scale: float = 100.0


class FracMaxParams(NormaliseParams):
    """``scale``: score of the largest fitted value (COINr's n_fracmax is ``scale: 1``)."""

    scale: float = Field(default=100.0, gt=0)


class DistTargParams(NormaliseParams):
    """``scale``: score at the target; ``cap``: values beyond the target score ``scale``."""

    scale: float = 100.0
    cap: bool = True


class DistRefParams(NormaliseParams):
    """Reference: the value of unit ``unit`` or a fixed ``value`` (exactly one of them).

    ``scale``: score at the reference; ``cap``: values beyond it score ``scale``.
    Fitted per year by default: the reference unit's value in each year.
    """

    fit: Literal["pooled", "per_year"] | int = "per_year"
    unit: str | None = None
    value: float | None = None
    scale: float = 100.0
    cap: bool = False

    @model_validator(mode="after")
    def _one_reference(self) -> DistRefParams:
        if (self.unit is None) == (self.value is None):
            raise ValueError("give exactly one of 'unit' (a reference unit id) or 'value'")
        return self


# ---- helpers -----------------------------------------------------------------------------


def _fitted(
    x: np.ndarray, fit: FitMode, ctx: NormaliseContext, func: Callable[..., np.ndarray]
) -> np.ndarray:
    """``ctx.reduce`` without numpy's warnings about indicators with no values at all."""
    return _fitted_all(x, fit, ctx, func)[0]


def _fitted_all(
    x: np.ndarray, fit: FitMode, ctx: NormaliseContext, *funcs: Callable[..., Any]
) -> list[np.ndarray]:
    """``ctx.reductions`` without numpy's warnings about indicators with no values at all."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return ctx.reductions(x, fit, *funcs)


def _directed(x: np.ndarray, ctx: NormaliseContext) -> np.ndarray:
    """Values times the indicator's direction, so that higher is always better."""
    return x * ctx.direction


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """``num / den``, NaN where ``den`` is zero (a degenerate fit), without warnings."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return num / np.where(den != 0, den, np.nan)


def _count_below(
    x: np.ndarray, fit: FitMode, ctx: NormaliseContext
) -> tuple[np.ndarray, np.ndarray]:
    """For every cell: how many fitted values are strictly below it, and how many there are.

    The fitted values of a cell are those of its indicator in the same year (``per_year``),
    in every year (``pooled``) or in the reference year. ``1 + below`` is the rank with ties
    sharing the lowest rank (R's ``rank(ties.method = "min")``). Fully vectorised: values are
    replaced by order-preserving integer codes so one ``searchsorted`` serves every column.
    """
    n_y, _, n_i = x.shape
    ref = ctx.fit_slice(x, fit) if fit != "per_year" else x
    if fit == "per_year":
        ref_group = np.broadcast_to(np.arange(n_y)[:, None, None], ref.shape)
        query_group = ref_group
    else:
        ref_group = np.zeros(ref.shape, dtype=np.int64)
        query_group = np.zeros(x.shape, dtype=np.int64)
    ind_ref = np.broadcast_to(np.arange(n_i), ref.shape)
    ind_query = np.broadcast_to(np.arange(n_i), x.shape)

    ok_ref, ok_query = ~np.isnan(ref), ~np.isnan(x)
    distinct, codes = np.unique(np.concatenate([ref[ok_ref], x[ok_query]]), return_inverse=True)
    width = distinct.size + 1
    ref_code, query_code = codes[: ok_ref.sum()], codes[ok_ref.sum() :]
    ref_base = (ref_group[ok_ref] * n_i + ind_ref[ok_ref]) * width
    keys = np.sort(ref_base + ref_code)
    query_base = (query_group[ok_query] * n_i + ind_query[ok_query]) * width
    start = np.searchsorted(keys, query_base, side="left")

    below = np.full(x.shape, np.nan)
    count = np.full(x.shape, np.nan)
    below[ok_query] = np.searchsorted(keys, query_base + query_code, side="left") - start
    count[ok_query] = np.searchsorted(keys, query_base + width, side="left") - start
    return below, count


# ---- methods -----------------------------------------------------------------------------


@register("normalise", "none", NormaliseParams)
def none(x: np.ndarray, params: NormaliseParams, ctx: NormaliseContext) -> np.ndarray:
    """Values times their direction, otherwise unchanged: x * d with d = +1 or -1.

    As COINr's ``Normalise(f_n = "none")``, which multiplies by the direction before it
    skips the normalisation: a lower-is-better indicator enters the aggregate negated.
    """
    return _directed(x, ctx)


@register("normalise", "minmax", MinMaxParams)
def minmax(x: np.ndarray, params: MinMaxParams, ctx: NormaliseContext) -> np.ndarray:
    """Min-max scaling onto ``range``: (x - min) / (max - min) * (hi - lo) + lo (COINr n_minmax).

    An indicator whose fitted range is zero gives NaN, as in COINr.
    """
    out = _directed(x, ctx)
    lo, hi = params.range
    x_min, x_max = _fitted_all(out, params.fit, ctx, np.nanmin, np.nanmax)
    # in place on the one new array: the cube is large, every temporary costs a pass
    out -= x_min
    out /= np.where(x_max != x_min, x_max - x_min, np.nan)
    out *= hi - lo
    out += lo
    return out


@register("normalise", "zscore", ZScoreParams)
def zscore(x: np.ndarray, params: ZScoreParams, ctx: NormaliseContext) -> np.ndarray:
    """Standardise: (x - mean) / sd * ``sd`` + ``mean``, sample sd (COINr n_zscore)."""
    xd = _directed(x, ctx)
    mean, sd = _fitted_all(xd, params.fit, ctx, np.nanmean, partial(np.nanstd, ddof=1))
    return _ratio(xd - mean, sd) * params.sd + params.mean


@register("normalise", "goalposts", GoalpostsParams)
def goalposts(x: np.ndarray, params: GoalpostsParams, ctx: NormaliseContext) -> np.ndarray:
    """Distance from the worst to the best goalpost, clipped, times ``scale`` (COINr n_goalposts).

    Higher is better: (x - lower) / (upper - lower); lower is better: (upper - x) /
    (upper - lower). A unit's score depends on its own value only.
    """
    lower, upper = ctx.goalposts[:, 0], ctx.goalposts[:, 1]
    missing = np.isnan(lower) | np.isnan(upper)
    if missing.any():
        raise SpecError(
            "normalise method 'goalposts' needs goalposts (lower, upper) for every indicator; "
            f"missing for: {', '.join(_names(ctx, missing))}"
        )
    return goalpost_share(x, lower, upper, ctx.direction > 0, params.clip) * params.scale


@register("normalise", "rank", NormaliseParams)
def rank(x: np.ndarray, params: NormaliseParams, ctx: NormaliseContext) -> np.ndarray:
    """Rank, 1 = worst, ties share the lowest rank (COINr n_rank)."""
    below, _ = _count_below(_directed(x, ctx), params.fit, ctx)
    return below + 1.0


@register("normalise", "borda", NormaliseParams)
def borda(x: np.ndarray, params: NormaliseParams, ctx: NormaliseContext) -> np.ndarray:
    """Borda score: rank - 1, i.e. the number of fitted values strictly below x * d
    (COINr n_borda: ``rank(x, ties.method = "min") - 1``); the worst scores 0."""
    below, _ = _count_below(_directed(x, ctx), params.fit, ctx)
    return below


@register("normalise", "fracmax", FracMaxParams)
def fracmax(x: np.ndarray, params: FracMaxParams, ctx: NormaliseContext) -> np.ndarray:
    """Fraction of the maximum: x * d / max(x * d) times ``scale`` (COINr n_fracmax).

    For values of 0 or more after the direction (the best scores ``scale``, zero scores
    0); a maximum of 0 gives NaN, as the division does in COINr (Inf / NaN there). A
    negative ``x * d``, as every value of a lower-is-better indicator is, is refused:
    there the fraction turns the order round (the worst unit scores highest), which COINr
    returns without a word.
    """
    xd = _directed(x, ctx)
    negative = np.asarray((xd < 0).any(axis=(0, 1)))
    if negative.any():
        raise SpecError(
            "normalise method 'fracmax' needs values of 0 or more, higher is better: "
            "the fraction of the maximum turns the order round for lower-is-better "
            "indicators and negative values; minmax or dist2targ measure them; "
            f"for: {', '.join(_names(ctx, negative))}"
        )
    return _ratio(xd, _fitted(xd, params.fit, ctx, np.nanmax)) * params.scale


@register("normalise", "prank", PRankParams)
def prank(x: np.ndarray, params: PRankParams, ctx: NormaliseContext) -> np.ndarray:
    """Percentile rank: (rank - 1) / (n - 1) times ``scale`` (COINr n_prank).

    With a reference year, values beyond the reference year's range are clipped to 0..scale.
    """
    below, count = _count_below(_directed(x, ctx), params.fit, ctx)
    return np.clip(_ratio(below, count - 1.0), 0.0, 1.0) * params.scale


@register("normalise", "dist2targ", DistTargParams)
def dist2targ(x: np.ndarray, params: DistTargParams, ctx: NormaliseContext) -> np.ndarray:
    """Distance to target: (x - min) / (target - min) times ``scale`` (COINr n_dist2targ).

    Lower is better: (max - x) / (max - target). The indicator's ``target`` comes from the
    framework; ``cap`` gives every value beyond the target the full score.
    """
    missing = np.isnan(ctx.target)
    if missing.any():
        raise SpecError(
            "normalise method 'dist2targ' needs a target for every indicator; "
            f"missing for: {', '.join(_names(ctx, missing))}"
        )
    xd = _directed(x, ctx)
    worst = _fitted(xd, params.fit, ctx, np.nanmin)
    return _distance(xd, worst, ctx.target * ctx.direction, params.cap) * params.scale


@register("normalise", "dist2ref", DistRefParams)
def dist2ref(x: np.ndarray, params: DistRefParams, ctx: NormaliseContext) -> np.ndarray:
    """Distance to a reference: (x - min) / (ref - min) times ``scale`` (COINr n_dist2ref).

    The reference unit's value is taken per year, in the reference year, or (pooled) as its
    mean over the years.
    """
    xd = _directed(x, ctx)
    worst = _fitted(xd, params.fit, ctx, np.nanmin)
    if params.value is not None:
        reference = params.value * ctx.direction
    else:
        hits = np.flatnonzero(np.asarray(ctx.unit_ids).astype(str) == params.unit)
        if not hits.size:
            raise SpecError(
                f"normalise method 'dist2ref': reference unit {params.unit!r} is not in the data"
            )
        position = int(hits[0])
        own = xd[:, position : position + 1, :]
        reference = own if params.fit == "per_year" else _fitted(own, params.fit, ctx, np.nanmean)
    return _distance(xd, worst, reference, params.cap) * params.scale


def _distance(xd: np.ndarray, worst: np.ndarray, reference: np.ndarray, cap: bool) -> np.ndarray:
    """``(x' - worst) / (reference - worst)``, the way from the worst value to a target or
    reference gone (directed values). With ``cap`` a value at or beyond the reference
    scores 1, as the method says, also where the worst value is at or beyond it too (every
    unit reached a target; COINr gives 1 - (r - x)/(r - min): Inf, NaN at the reference,
    or negative scores). Without ``cap`` such a fit has no way to measure: its scores
    are missing, as a zero range is for ``minmax``, not reversed."""
    y = _ratio(xd - worst, np.where(reference > worst, reference - worst, np.nan))
    return np.where(xd >= reference, 1.0, y) if cap else y


def _names(ctx: NormaliseContext, mask: np.ndarray) -> list[str]:
    return [
        ctx.indicator_ids[i] if i < len(ctx.indicator_ids) else f"#{i}"
        for i in np.flatnonzero(mask)
    ]
