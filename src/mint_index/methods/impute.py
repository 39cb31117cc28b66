"""Impute: fill missing values, flagged by the engine.

Cross-sectional methods (``mean``, ``median``) fill a unit's missing value from the other
units in the same year, optionally only those of its own group (``by``: a column of the
units table, e.g. a peer group), as COINr's ``i_mean`` / ``i_mean_grp`` do. The row-wise
method (``row_mean``) fills from the unit's own other indicators under the same parent.
Panel methods (``locf``, ``constant``, ``linear``) fill along a unit's own years. Values that
were present never change.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Literal

import numpy as np
from pydantic import Field

from mint_index.errors import SpecError
from mint_index.methods.base import ImputeContext
from mint_index.methods.registry import NoParams, StepParams, register

__all__ = ["GroupParams", "LinearParams", "LocfParams"]


class GroupParams(StepParams):
    """``by``: a units-table column; impute within each of its groups (None: all units)."""

    by: str | None = None


class LocfParams(StepParams):
    """``max_years``: carry a value at most this many years forward (None: no limit)."""

    max_years: int | None = Field(default=None, ge=1)


class LinearParams(StepParams):
    """``ends``: before the first / after the last observation leave ``missing`` or use the
    ``nearest`` observation (no linear extrapolation)."""

    ends: Literal["missing", "nearest"] = "missing"


# ---- cross-sectional ---------------------------------------------------------------------


def _group_codes(x: np.ndarray, by: str | None, ctx: ImputeContext) -> np.ndarray:
    """Group code of every unit (one group without ``by``); -1 = no group."""
    if by is None:
        return np.zeros(x.shape[1], dtype=np.int64)
    if by not in ctx.groups:
        valid = ", ".join(sorted(ctx.groups)) or "none"
        raise SpecError(f"impute: no group column {by!r} in the units table (columns: {valid})")
    codes = np.asarray(ctx.groups[by], dtype=np.int64)
    if codes.shape != (x.shape[1],):
        raise ValueError(f"group codes for {by!r} have shape {codes.shape}, expected one per unit")
    return codes


def _cell_keys(x: np.ndarray, codes: np.ndarray) -> tuple[np.ndarray, int]:
    """One key per cell for its (year, group, indicator); -1 for units without a group."""
    n_y, _, n_i = x.shape
    n_g = int(codes.max(initial=-1)) + 1
    year = np.arange(n_y)[:, None, None]
    group = codes[None, :, None]
    ind = np.arange(n_i)[None, None, :]
    keys = np.broadcast_to((year * n_g + group) * n_i + ind, x.shape)
    keys = np.where(np.broadcast_to(group >= 0, x.shape), keys, -1)
    return keys, n_y * n_g * n_i


def _grouped_mean(values: np.ndarray, keys: np.ndarray, n_keys: int) -> np.ndarray:
    sums = np.bincount(keys, weights=values, minlength=n_keys)
    counts = np.bincount(keys, minlength=n_keys)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)


def _grouped_median(values: np.ndarray, keys: np.ndarray, n_keys: int) -> np.ndarray:
    order = np.lexsort((values, keys))
    sorted_values = values[order]
    counts = np.bincount(keys, minlength=n_keys)
    starts = np.cumsum(counts) - counts
    has = counts > 0
    low = starts[has] + (counts[has] - 1) // 2
    high = starts[has] + counts[has] // 2
    out = np.full(n_keys, np.nan)
    out[has] = (sorted_values[low] + sorted_values[high]) / 2.0
    return out


def _fill_by_group(
    x: np.ndarray,
    params: GroupParams,
    ctx: ImputeContext,
    summary: Callable[[np.ndarray, np.ndarray, int], np.ndarray],
) -> np.ndarray:
    codes = _group_codes(x, params.by, ctx)
    keys, n_keys = _cell_keys(x, codes)
    observed = ~np.isnan(x) & (keys >= 0)
    fill = summary(x[observed], keys[observed], n_keys)
    missing = np.isnan(x) & (keys >= 0)
    out = x.copy()
    out[missing] = fill[keys[missing]]
    return out


@register("impute", "none")
def none(x: np.ndarray, params: NoParams, ctx: ImputeContext) -> np.ndarray:
    """Leave missing values missing (the input itself: the stages share it)."""
    return x


@register("impute", "mean", GroupParams)
def mean(x: np.ndarray, params: GroupParams, ctx: ImputeContext) -> np.ndarray:
    """Mean of the observed units per year, optionally within group ``by`` (COINr i_mean_grp).

    Units without a group value are left as they are, as in COINr.
    """
    return _fill_by_group(x, params, ctx, _grouped_mean)


@register("impute", "median", GroupParams)
def median(x: np.ndarray, params: GroupParams, ctx: ImputeContext) -> np.ndarray:
    """Median of the observed units per year, optionally within group ``by`` (COINr i_median)."""
    return _fill_by_group(x, params, ctx, _grouped_median)


@register("impute", "row_mean")
def row_mean(x: np.ndarray, params: NoParams, ctx: ImputeContext) -> np.ndarray:
    """Mean of the unit's other indicators under the same parent, on a common scale
    (COINr ``Impute(impute_by = "row", group_level = 2)`` with i_mean, normalise_first).

    Per year and indicator, with direction d: ``z = (x d - min) / (max - min)`` over the
    units; a missing z is the mean of the unit's z present under the same parent; back on
    the indicator's scale ``x = (z (max - min) + min) d``. A constant indicator takes its
    constant; a unit with no sibling present stays missing.
    """
    n_i = x.shape[2]
    d = np.ones(n_i) if ctx.direction is None else np.asarray(ctx.direction, dtype=np.float64)
    parents = np.zeros(n_i, dtype=np.int64) if ctx.parents is None else np.asarray(ctx.parents)
    _, parent = np.unique(parents, return_inverse=True)
    member = np.eye(parent.max(initial=0) + 1)[parent]  # [indicator, parent] one-hot
    xd = x * d
    with warnings.catch_warnings(), np.errstate(invalid="ignore", divide="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        lo = np.nanmin(xd, axis=1, keepdims=True)
        span = np.nanmax(xd, axis=1, keepdims=True) - lo
        z = (xd - lo) / span
        present = ~np.isnan(z)
        sums = np.where(present, z, 0.0) @ member  # [year, unit, parent]
        counts = present.astype(np.float64) @ member
        fill = (sums / counts)[:, :, parent]  # back to [year, unit, indicator]
    return np.where(np.isnan(x), (fill * span + lo) * d, x)


# ---- along the years ---------------------------------------------------------------------


def _last_observed(x: np.ndarray) -> np.ndarray:
    """Index of the last observed year at or before each year (-1: none yet)."""
    years = np.arange(x.shape[0])[:, None, None]
    return np.maximum.accumulate(np.where(np.isnan(x), -1, years), axis=0)


def _next_observed(x: np.ndarray) -> np.ndarray:
    """Index of the next observed year at or after each year (n_years: none left)."""
    n_y = x.shape[0]
    years = np.arange(n_y)[:, None, None]
    marked = np.where(np.isnan(x), n_y, years)
    return np.minimum.accumulate(marked[::-1], axis=0)[::-1]


def _take(x: np.ndarray, year_index: np.ndarray) -> np.ndarray:
    """``x[year_index[y, u, i], u, i]`` with out-of-range indices giving NaN."""
    n_y = x.shape[0]
    valid = (year_index >= 0) & (year_index < n_y)
    picked = np.take_along_axis(x, np.clip(year_index, 0, n_y - 1), axis=0)
    return np.where(valid, picked, np.nan)


@register("impute", "locf", LocfParams)
def locf(x: np.ndarray, params: LocfParams, ctx: ImputeContext) -> np.ndarray:
    """Last observation carried forward along each unit's years (COINr impute_panel)."""
    prev = _last_observed(x)
    carried = _take(x, prev)
    if params.max_years is not None:
        years = np.asarray(ctx.years, dtype=np.float64)
        age = years[:, None, None] - years[np.clip(prev, 0, None)]
        carried = np.where(age <= params.max_years, carried, np.nan)
    return np.where(np.isnan(x), carried, x)


@register("impute", "constant")
def constant(x: np.ndarray, params: NoParams, ctx: ImputeContext) -> np.ndarray:
    """The last observation carried forward, and before the first observation the first
    one carried back (COINr impute_panel ``imp_type = "constant"``: approx with
    ``method = "constant"``, ``rule = 2``)."""
    carried = _take(x, _last_observed(x))
    carried = np.where(np.isnan(carried), _take(x, _next_observed(x)), carried)
    return np.where(np.isnan(x), carried, x)


@register("impute", "linear", LinearParams)
def linear(x: np.ndarray, params: LinearParams, ctx: ImputeContext) -> np.ndarray:
    """Linear interpolation along each unit's years between its nearest observations."""
    years = np.asarray(ctx.years, dtype=np.float64)
    n_y = x.shape[0]
    prev, nxt = _last_observed(x), _next_observed(x)
    x_prev, x_next = _take(x, prev), _take(x, nxt)
    t = years[:, None, None]
    t_prev = years[np.clip(prev, 0, n_y - 1)]
    t_next = years[np.clip(nxt, 0, n_y - 1)]
    with warnings.catch_warnings(), np.errstate(invalid="ignore", divide="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        share = np.where(t_next > t_prev, (t - t_prev) / (t_next - t_prev), 0.0)
    between = x_prev + (x_next - x_prev) * share
    if params.ends == "nearest":
        between = np.where(np.isnan(x_prev), x_next, between)
        between = np.where(np.isnan(x_next), x_prev, between)
    return np.where(np.isnan(x), between, x)
